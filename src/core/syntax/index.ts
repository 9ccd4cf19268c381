export * from './types';
export { configureGrammars, languageForFile, parse, withTree, type GrammarOptions } from './parser';
export { findSyntaxProblems, formatSyntaxProblems } from './check';
export { listFunctions, enclosingFunction, calledNames, replaceFunctionDefinition } from './functions';
export { findTestDefinitions, type TestDefinition } from './tests';
export { filesWithEditedTests } from './tests-rust';
