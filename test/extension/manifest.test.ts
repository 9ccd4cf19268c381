import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { CANDIDATE_SCHEME, CONTEXT_KEYS, CONTROLLER_ID, FAILURE_MESSAGE_CONTEXT } from '../../src/extension/logic/ids';
import {
  CHOICE_SETTINGS,
  DEFAULT_BASE_URL,
  DEFAULT_MODEL,
  SETTING_LIMITS,
  SWITCH_SETTINGS,
} from '../../src/core/settings';
import { normalizeSettings } from '../../src/extension/logic/settings';

const ROOT = path.resolve(__dirname, '..', '..');

interface Command {
  command: string;
  title: string;
  category?: string;
  enablement?: string;
  icon?: string;
}
interface MenuItem {
  command: string;
  when?: string;
  group?: string;
}
interface Setting {
  type: string;
  default: unknown;
  scope?: string;
  markdownDescription?: string;
  description?: string;
  minimum?: number;
  maximum?: number;
  enum?: string[];
  enumDescriptions?: string[];
}
interface Manifest {
  engines: { vscode: string };
  main: string;
  activationEvents: string[];
  categories: string[];
  scripts: Record<string, string>;
  devDependencies: Record<string, string>;
  capabilities: {
    untrustedWorkspaces: { supported: string; description: string; restrictedConfigurations: string[] };
    virtualWorkspaces: { supported: boolean };
  };
  contributes: {
    commands: Command[];
    menus: Record<string, MenuItem[]>;
    configuration: { properties: Record<string, Setting> };
    grammars: Array<{ scopeName: string; path: string; injectTo: string[] }>;
  };
}

const manifest = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as Manifest;
const { commands, menus, configuration, grammars } = manifest.contributes;
const byId = new Map(commands.map((c) => [c.command, c]));

describe('package.json: what the extension contributes', () => {
  it('names every command selfRepair.* and registers exactly the contributed ones', () => {
    for (const { command } of commands) assert.match(command, /^selfRepair\.[a-zA-Z]+$/);
    const source = readFileSync(path.join(ROOT, 'src', 'extension', 'commands.ts'), 'utf8');
    const registered = [...source.matchAll(/command\('(selfRepair\.\w+)'/g)].map((m) => m[1]).sort();
    assert.deepEqual(registered, commands.map((c) => c.command).sort());
  });

  it('titles the main command exactly "Self-repair" and puts the others in the Self-repair category', () => {
    assert.deepEqual(byId.get('selfRepair.repair'), {
      command: 'selfRepair.repair',
      title: 'Self-repair',
      icon: '$(wrench)',
    });
    const expected: Record<string, string> = {
      'selfRepair.repairTest': 'Repair This Test',
      'selfRepair.implementFunction': 'Implement Function',
      'selfRepair.setApiKey': 'Set API Key',
      'selfRepair.showLog': 'Show Log',
      'selfRepair.cancel': 'Cancel',
    };
    for (const [id, title] of Object.entries(expected)) {
      assert.equal(byId.get(id)?.title, title, id);
      assert.equal(byId.get(id)?.category, 'Self-repair', id);
    }
    assert.equal(byId.get('selfRepair.cancel')?.enablement, CONTEXT_KEYS.running);
  });

  it('hides the internal commands from the palette unless a review or a repair is under way', () => {
    const palette = new Map(menus.commandPalette!.map((m) => [m.command, m.when]));
    assert.equal(palette.get('selfRepair.repairFailedTest'), 'false');
    assert.equal(palette.get('selfRepair.cancel'), CONTEXT_KEYS.running);
    for (const id of ['selfRepair.acceptCandidate', 'selfRepair.rejectCandidate', 'selfRepair.showExplanation']) {
      assert.equal(palette.get(id), CONTEXT_KEYS.reviewing, id);
    }
    assert.match(
      palette.get('selfRepair.nextCandidate')!,
      new RegExp(CONTEXT_KEYS.hasNextCandidate.replace('.', '\\.')),
    );
  });

  it('puts Accept / Reject / Next Candidate in the candidate diff editor\u2019s title bar', () => {
    const title = menus['editor/title']!;
    for (const id of ['selfRepair.acceptCandidate', 'selfRepair.rejectCandidate', 'selfRepair.nextCandidate']) {
      const item = title.find((m) => m.command === id);
      assert.ok(item, id);
      assert.ok(item.when!.includes(`resourceScheme == ${CANDIDATE_SCHEME}`), item.when);
      assert.match(item.group!, /^navigation/);
    }
  });

  it('labels the review\u2019s buttons with words (no icon), also over the user\u2019s file under inline review', () => {
    const title = menus['editor/title']!;
    for (const id of ['selfRepair.acceptCandidate', 'selfRepair.rejectCandidate', 'selfRepair.nextCandidate']) {
      assert.equal(byId.get(id)?.icon, undefined, id);
      assert.match(byId.get(id)!.title, /^(Accept|Reject|Next) Candidate$/);
    }
    for (const id of ['selfRepair.acceptCandidate', 'selfRepair.rejectCandidate', 'selfRepair.openCandidateDiff']) {
      const item = title.find((m) => m.command === id);
      assert.ok(item?.when?.includes(`resourcePath in ${CONTEXT_KEYS.reviewedFiles}`), id);
    }
    const palette = new Map(menus.commandPalette!.map((m) => [m.command, m.when]));
    assert.equal(palette.get('selfRepair.acceptChange'), 'false');
    assert.equal(palette.get('selfRepair.rejectChange'), 'false');
    assert.equal(palette.get('selfRepair.openCandidateDiff'), CONTEXT_KEYS.reviewing);
  });

  it('offers Self-repair on failed test items of any controller and on failure messages', () => {
    const items = menus['testing/item/context']!;
    assert.ok(items.some((m) => m.group === 'inline'));
    for (const item of items) {
      assert.equal(item.command, 'selfRepair.repairFailedTest');
      assert.equal(item.when, 'testResultState == failed || testResultState == errored');
      // Another extension's items (Python, Vitest, Jest...) get the action too.
      assert.ok(!item.when.includes('controllerId'), item.when);
      assert.ok(!item.when.includes(CONTROLLER_ID), item.when);
    }
    assert.deepEqual(menus['testing/message/content'], [
      { command: 'selfRepair.repairFailedTest', when: `testMessage == ${FAILURE_MESSAGE_CONTEXT}` },
    ]);
    // Any controller's failure message, in the results tree's context menu.
    assert.deepEqual(menus['testing/message/context'], [
      { command: 'selfRepair.repairFailedTest', group: 'selfRepair@1' },
    ]);
    assert.equal(byId.get('selfRepair.repairFailedTest')?.title, 'Self-repair');
  });

  it('refers only to contributed commands in menus', () => {
    for (const [menu, items] of Object.entries(menus)) {
      for (const item of items) assert.ok(byId.has(item.command), `${menu} names unknown ${item.command}`);
    }
  });

  it('gives every setting a scope and a markdownDescription', () => {
    const properties = configuration.properties;
    assert.deepEqual(Object.keys(properties).sort(), [
      'selfRepair.allowTestEdits',
      'selfRepair.attemptMemory',
      'selfRepair.baseUrl',
      'selfRepair.candidatesPerTurn',
      'selfRepair.dedupeCandidates',
      'selfRepair.env',
      'selfRepair.flakyCheck',
      'selfRepair.maxPromptTokens',
      'selfRepair.maxTimeSeconds',
      'selfRepair.maxTokens',
      'selfRepair.maxTurns',
      'selfRepair.model',
      'selfRepair.modelTimeoutSeconds',
      'selfRepair.reviewStyle',
      'selfRepair.runtimeValues',
      'selfRepair.sandbox',
      'selfRepair.sandbox.network',
      'selfRepair.stagedVerification',
      'selfRepair.testCommand',
      'selfRepair.testExplorer',
      'selfRepair.timeoutSeconds',
      'selfRepair.tracing',
    ]);
    for (const [key, setting] of Object.entries(properties)) {
      assert.ok(setting.scope, `${key} has a scope`);
      assert.ok((setting.markdownDescription ?? '').length > 40, `${key} has a markdownDescription`);
    }
    // Not machine-overridable: remote windows (SSH, code-server) would ignore the value in the user's own settings.
    assert.equal(properties['selfRepair.baseUrl']!.scope, 'resource');
    assert.equal(properties['selfRepair.testCommand']!.scope, 'resource');
    // The sandbox is on, without network, unless the user says otherwise.
    assert.deepEqual(
      [
        properties['selfRepair.sandbox']!.default,
        properties['selfRepair.sandbox.network']!.default,
        properties['selfRepair.allowTestEdits']!.default,
      ],
      ['auto', false, false],
    );
    const defaults = Object.fromEntries(
      Object.entries(properties).map(([key, s]) => [key.replace('selfRepair.', ''), s.default]),
    );
    assert.deepEqual(normalizeSettings(defaults), {
      baseUrl: undefined,
      model: undefined,
      testCommand: undefined,
      maxTurns: 4,
      candidatesPerTurn: 1,
      timeoutMs: 120_000,
      maxTokens: 0,
      maxPromptTokens: 6000,
      maxTimeMs: 0,
      env: [],
      envWarnings: [],
      flakyCheck: true,
      tracing: true,
      runtimeValues: true,
      attemptMemory: true,
      dedupeCandidates: true,
      stagedVerification: true,
      modelTimeoutMs: 30_000,
      testExplorer: 'auto',
      reviewStyle: 'inline',
    });
  });

  it('declares the limits and defaults of the engine\u2019s settings contract (src/core/settings.ts)', () => {
    const properties = configuration.properties;
    const wholeNumbers = Object.keys(properties).filter((key) => properties[key]!.type === 'integer');
    assert.deepEqual(
      wholeNumbers.sort(),
      Object.keys(SETTING_LIMITS)
        .map((name) => `selfRepair.${name}`)
        .sort(),
    );
    for (const [name, limits] of Object.entries(SETTING_LIMITS)) {
      const setting = properties[`selfRepair.${name}`]!;
      assert.deepEqual(
        { default: setting.default, minimum: setting.minimum, maximum: setting.maximum },
        { default: limits.default, minimum: limits.min, maximum: limits.max },
        `selfRepair.${name} in package.json`,
      );
    }
    for (const [name, { default: value }] of Object.entries(SWITCH_SETTINGS)) {
      const setting = properties[`selfRepair.${name}`];
      assert.deepEqual([setting?.type, setting?.default], ['boolean', value], `selfRepair.${name} in package.json`);
    }
    for (const [name, values] of Object.entries(CHOICE_SETTINGS)) {
      const setting = properties[`selfRepair.${name}`];
      assert.deepEqual(
        [setting?.type, setting?.enum, setting?.default, setting?.enumDescriptions?.length],
        ['string', [...values], values[0], values.length],
        `selfRepair.${name} in package.json`,
      );
    }
    // Empty means "the default", which the descriptions name.
    assert.ok(properties['selfRepair.baseUrl']!.markdownDescription!.includes(`else \`${DEFAULT_BASE_URL}\``));
    assert.ok(properties['selfRepair.model']!.markdownDescription!.includes(`else \`${DEFAULT_MODEL}\``));
  });

  it('declares limited support in untrusted workspaces, with the endpoint and the test command restricted', () => {
    const trust = manifest.capabilities.untrustedWorkspaces;
    assert.equal(trust.supported, 'limited');
    assert.deepEqual([...trust.restrictedConfigurations].sort(), [
      'selfRepair.allowTestEdits',
      'selfRepair.baseUrl',
      'selfRepair.env',
      'selfRepair.sandbox',
      'selfRepair.sandbox.network',
      'selfRepair.testCommand',
    ]);
    assert.match(trust.description, /no test or repair runs/);
    assert.equal(manifest.capabilities.virtualWorkspaces.supported, false);
  });

  it('activates only when needed, never on `*`', () => {
    assert.ok(manifest.activationEvents.length > 0);
    for (const event of manifest.activationEvents) {
      assert.notEqual(event, '*');
      assert.notEqual(event, 'onStartupFinished');
      assert.match(event, /^(onLanguage:|workspaceContains:)/);
    }
    for (const language of ['python', 'javascript', 'typescript', 'go', 'rust'])
      assert.ok(manifest.activationEvents.includes(`onLanguage:${language}`));
    // A project of each framework activates it before a file is opened. A top-level go.mod or
    // Cargo.toml is checked by name: a glob search can time out on a busy machine.
    for (const marker of [
      'go.mod',
      'Cargo.toml',
      '**/go.mod',
      '**/Cargo.toml',
      '**/{vitest,jest}.config.{js,mjs,cjs,ts,mts,cts,json}',
    ])
      assert.ok(manifest.activationEvents.includes(`workspaceContains:${marker}`), marker);
    assert.ok(manifest.activationEvents.some((e) => /^workspaceContains:\*\*\/\.mocharc\./.test(e)));
  });

  it('injects its log grammar into the log language', () => {
    assert.equal(grammars.length, 1);
    const [grammar] = grammars;
    const file = path.join(ROOT, grammar!.path);
    assert.ok(existsSync(file), file);
    const json = JSON.parse(readFileSync(file, 'utf8')) as { scopeName: string; injectionSelector: string };
    assert.equal(json.scopeName, grammar!.scopeName);
    assert.deepEqual(grammar!.injectTo, ['text.log']);
    assert.match(json.injectionSelector, /text\.log/);
  });

  it('is built for VS Code 1.90 and has its desktop integration suite wired up', () => {
    assert.equal(manifest.engines.vscode, '^1.90.0');
    assert.match(manifest.devDependencies['@types/vscode']!, /^\^?1\.90(\.|$)/);
    assert.equal(manifest.main, './dist/extension.js');
    assert.match(manifest.scripts['test:vscode']!, /vscode-test --config test\/vscode\/\.vscode-test\.mjs/);
    assert.ok(existsSync(path.join(ROOT, 'test', 'vscode', '.vscode-test.mjs')));
  });
});

describe('the extension\u2019s pure logic', () => {
  it('never imports vscode, so it runs under plain mocha', () => {
    const output = execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'check-core-imports.mjs')], {
      encoding: 'utf8',
    });
    assert.match(output, /src\/extension\/logic are free of vscode imports/);
  });

  it('keeps numeric settings within the limits the settings UI shows', () => {
    const odd = normalizeSettings({
      maxTurns: 0,
      candidatesPerTurn: 99,
      timeoutSeconds: 2.6,
      modelTimeoutSeconds: 0,
      baseUrl: '  ',
      model: ' m ',
      testCommand: 7,
      maxTokens: -5,
      maxPromptTokens: 50,
      maxTimeSeconds: 90.4,
      env: ['DATABASE_URL', 'OPENAI_API_KEY', 'A=b'],
      flakyCheck: 'no',
      tracing: 'off',
      runtimeValues: false,
      attemptMemory: 'yes',
      dedupeCandidates: false,
      stagedVerification: 'yes',
      testExplorer: 'Never',
      reviewStyle: 'side-by-side',
    });
    assert.deepEqual(odd, {
      baseUrl: undefined,
      model: 'm',
      testCommand: undefined,
      maxTurns: 1,
      candidatesPerTurn: 16,
      timeoutMs: 3000,
      maxTokens: 0,
      maxPromptTokens: 1000,
      maxTimeMs: 90_000,
      env: ['DATABASE_URL'],
      envWarnings: [
        "selfRepair.env: OPENAI_API_KEY is not passed to the tests: the model's key never reaches them",
        'selfRepair.env: not a variable name: "A=b"; give a name such as DATABASE_URL (set its value in your environment)',
      ],
      flakyCheck: true,
      tracing: true,
      runtimeValues: false,
      attemptMemory: true,
      dedupeCandidates: false,
      stagedVerification: true,
      modelTimeoutMs: 1000,
      testExplorer: 'auto',
      reviewStyle: 'inline',
    });
    assert.equal(normalizeSettings({ testExplorer: 'never' }).testExplorer, 'never');
    assert.equal(normalizeSettings({ reviewStyle: 'diff' }).reviewStyle, 'diff');
    assert.deepEqual(normalizeSettings({ env: 'DATABASE_URL' }).envWarnings, [
      'selfRepair.env must be a list of variable names',
    ]);
  });
});
