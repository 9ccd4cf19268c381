export {
  selectIsolation,
  parseSandboxMode,
  IsolationError,
  SANDBOX_MODES,
  type Isolation,
  type IsolationKind,
  type IsolationOptions,
  type SandboxMode,
} from './select';
export { bwrapArgs, probeBwrap, describeRefusal, type BwrapProfile, type Availability } from './bwrap';
export { seatbeltArgs, seatbeltPolicy, detectSeatbelt, type SeatbeltProfile } from './seatbelt';
export { DEFAULT_SANDBOX_LIMITS, type SandboxLimits } from './limits';
export { SECRET_PATHS, existingSecrets } from './secrets';
