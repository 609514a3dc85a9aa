// The cloud API's public surface: the app and its server, configuration, storage, and the
// services the CLI and later domains (ingestion, commands, alarms) build on.
export { AppOptions, buildApp, type ApiApp, type DomainPlugin } from './app.js';
export { createAppContext, type AppContext } from './app-context.js';
export {
  API_ENV,
  MQTT_ENV,
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
export { CreateUserInput, UserService, type UserWithPassword } from './users/user-service.js';
export { UserName, UserRole, type User } from './users/user.js';
export { LoginInput, SESSION_TTL_MS, SessionService } from './users/session-service.js';

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

export {
  CommandService,
  CreateCommandInput,
  MAX_TTL_SECONDS,
  type CreatedCommand,
} from './commands/command-service.js';
export { CommandOutcome, CommandState, LateResult } from './commands/command-state.js';
export type { CommandRecord } from './commands/command-record.js';
export { CommandSender } from './commands/command-sender.js';
export { CommandView, commandView } from './commands/command-schemas.js';

export {
  DeviceConfigService,
  MAX_CONFIG_BYTES,
  SetDeviceConfigInput,
} from './device-config/device-config-service.js';
export {
  DesiredConfigSender,
  SYNC_PAGE_SIZE,
  type SendOutcome,
  type SyncCounts,
} from './device-config/desired-config-sender.js';
export {
  isInSync,
  type DesiredConfigRecord,
  type DeviceConfigState,
  type RejectedConfig,
  type ReportedConfig,
} from './device-config/device-config-record.js';
export { deviceConfigStore } from './device-config/device-config-store.js';
export { deviceConfigListener } from './device-config/device-config-listener.js';
export { deviceConfigPlugin } from './device-config/device-config-plugin.js';
export {
  DeviceConfigView,
  DesiredConfigView,
  deviceConfigView,
} from './device-config/device-config-schemas.js';

export { ErrorBody, errorResponses, IsoTime, isoTime } from './http/common-schemas.js';
export { errorResponse } from './http/error-handler.js';
export { generateSecret, hashSecret, verifySecret } from '@hameau/protocol/secret-hash';
export * from './timeseries/index.js';

export type {
  IngestedKind,
  IngestedMessage,
  IngestedOf,
  IngestionListener,
  MessageOrigin,
} from './ingestion/ingested-message.js';
export { IngestionHub } from './ingestion/ingestion-hub.js';
export { IngestionConfig, type IngestionConfigInput } from './ingestion/ingestion-config.js';
export { IngestionService, type IngestionStats } from './ingestion/ingestion-service.js';
export {
  IngestPipeline,
  type BatchOutcome,
  type IngestCounters,
} from './ingestion/ingest-pipeline.js';
export { IngestJournal, type JournalEntry } from './ingestion/ingest-journal.js';
export { decodeDeviceMessage, INGESTION_FILTERS } from './ingestion/decode-device-message.js';
export { SeqRanges } from './ingestion/seq-ranges.js';
export {
  offlinePublisher,
  type CloudPublisher,
  type PublishOptions,
} from './mqtt/cloud-publisher.js';
export { foldStatus } from './devices/device-status-listener.js';

export {
  AlarmKey,
  AlarmSeverity,
  AlarmSource,
  AlarmState,
  AlarmType,
  SYSTEM_ACTOR,
  type Alarm,
  type AlarmAction,
} from './alarms/alarm.js';
export {
  AlarmService,
  ListAlarmsFilter,
  RaiseAlarmInput,
  type RaiseResult,
} from './alarms/alarm-service.js';
export {
  AlarmSettings,
  DEFAULT_ALARM_SETTINGS,
  type AlarmSettingsInput,
} from './alarms/alarm-settings.js';
export { AlarmRules, RULE_INTERVAL_MS, RULE_TYPES } from './alarms/alarm-rules.js';
export { AlarmEventListener, EVENT_MARK_RETENTION_MS } from './alarms/alarm-event-listener.js';
export { alarmsPlugin } from './alarms/alarms-plugin.js';

export { energyPlugin } from './energy/energy-plugin.js';
export {
  DEFAULT_ENERGY_SETTINGS,
  DEFAULT_GRID_SHARE_SOURCE,
  ENERGY_ENV,
  EnergySettings,
  energySettingsFromEnv,
  type EnergySettingsInput,
} from './energy/energy-settings.js';
export {
  EnergyService,
  type EnergyFigure,
  type EnergyScope,
  type GreenShareSeries,
  type PeriodFigures,
  type PowerNow,
} from './energy/energy-service.js';
export {
  MeterRoleService,
  SetMeterRoleInput,
  type MeterListing,
} from './energy/meter-role-service.js';
export { ListedRole, MeterRole, countedRole, type MeterKey } from './energy/meter-role.js';
export { energyDefinitions, type EnergyDefinitions } from './energy/energy-definitions.js';
export { TownCalendar, type CalendarPeriod, type LocalDate } from './energy/town-calendar.js';
