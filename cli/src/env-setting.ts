/**
 * An environment variable's value, with an empty value counting as unset, as the broker's and
 * the API's configs count it (`HAMEAU_DATA_DIR=` in a `.env` file means "the default").
 */
export function envSetting(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === '' ? undefined : value;
}
