// The cloud API's public surface: the app and its server, configuration, storage, and the
// services the CLI and later domains (ingestion, commands, alarms) build on.
export { AppOptions, buildApp, type ApiApp, type DomainPlugin } from './app.js';
export { createAppContext, type AppContext } from './app-context.js';
export {
  API_ENV,
  ApiConfig,
  apiConfigFromEnv,
  databaseConfigOf,
  parseApiConfig,
  type ApiConfigInput,
} from './config.js';
export { startApiServer, type ApiServerDeps, type RunningApi } from './server.js';
export { parseInput, validationFailed, type InputIssue } from './parse-input.js';

export { DatabaseConfig, openDatabase, type DatabaseHandle } from './storage/open-database.js';
export { migrateToLatest } from './storage/migrate.js';
export { MIGRATIONS } from './storage/migrations/index.js';
export { dialectOf, type Dialect } from './storage/dialect.js';
export { isUniqueViolation } from './storage/unique-violation.js';
export type * from './storage/schema.js';

export { ApiRole, PUBLIC_CALLER, TokenRole, type Caller } from './auth/caller.js';
export { bearerTokenAuthenticator, type Authenticator } from './auth/authenticate.js';
export { requireRole, type RoleGuard } from './auth/require-role.js';
export {
  CreateTokenInput,
  TokenName,
  TokenService,
  type CreatedToken,
} from './auth/token-service.js';
export type { ApiTokenInfo } from './auth/token-store.js';
export { BOOTSTRAP_TOKEN_NAME, ensureAdminToken } from './auth/bootstrap-admin-token.js';
export { generateApiToken, hashApiToken } from './auth/api-token.js';

export { CreateDeviceInput, DeviceService, type CreatedDevice } from './devices/device-service.js';
export { deviceStatusStore, type DeviceStatus } from './devices/device-status-store.js';
export type { DeviceRecord } from './devices/device-store.js';
export {
  CreateServiceAccountInput,
  ServiceAccountService,
  type MqttCredentials,
} from './accounts/service-account-service.js';
export { mqttAccountStore, type MqttAccountInfo } from './accounts/mqtt-account-store.js';
export { listAudit, recordAudit, type AuditEntry, type AuditRecord } from './audit/audit-store.js';

export { ErrorBody, errorResponses, IsoTime, isoTime } from './http/common-schemas.js';
export { errorResponse } from './http/error-handler.js';
export { generateSecret, hashSecret, verifySecret } from '@hameau/protocol/secret-hash';
export * from './timeseries/index.js';
