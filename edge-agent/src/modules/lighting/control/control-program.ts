// Control programs (TALQ's term: the levels of one night, as steps from switch-on to
// switch-off) are configuration, shared with the cloud through @hameau/protocol.
export {
  ALL_NIGHT_PROGRAM,
  nightOrder,
  ProgramSchema,
  StepEnd,
  type ControlProgram,
  type ProgramStep,
} from '@hameau/protocol';
