export { JudgeSnapshot } from './judge';
export { screenChanges, type ScreenVerdict, type ScreenOptions, type ScreenedChange } from './screen';
export { protectionOf, changedPackageFields, PROTECTED_PACKAGE_FIELDS, type ProtectionKind } from './protected';
export { reportDisagreement } from './report-check';
export { findSpecialCasing, type SpecialCasingInput } from './hack-screen';
