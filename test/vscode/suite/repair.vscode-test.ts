import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ScriptedModelServer } from '../../support/openai-server';
import { eventually, extension, lensTitles, reply, reviewTabs, workspaceFile } from './helpers';

const FAILING_TEST_ID = 'test/cart.test.js > total multiplies price by quantity';
/** 0-based line of `test('total multiplies price by quantity', ...)` in the sample's test file. */
const FAILING_TEST_LINE = 11;

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

describe('Self-repair in desktop VS Code: from a failing test to a reviewed fix', () => {
  const cart = workspaceFile('src/cart.js');
  const testFile = workspaceFile('test/cart.test.js');
  let server: ScriptedModelServer;
  let original: Uint8Array;

  before(async () => {
    await extension().activate();
    original = await vscode.workspace.fs.readFile(cart);
    server = await ScriptedModelServer.start();
    const config = vscode.workspace.getConfiguration('selfRepair');
    await config.update('baseUrl', server.url, vscode.ConfigurationTarget.Global);
    await config.update('model', 'scripted-coder', vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    const config = vscode.workspace.getConfiguration('selfRepair');
    await config.update('baseUrl', undefined, vscode.ConfigurationTarget.Global);
    await config.update('model', undefined, vscode.ConfigurationTarget.Global);
    await server?.close();
    await vscode.workspace.fs.writeFile(cart, original);
  });

  async function failingAgain(): Promise<void> {
    await vscode.workspace.fs.writeFile(cart, original);
    await vscode.commands.executeCommand('testing.runAll');
    await eventually('the code lens over the failing test', async () =>
      (await lensTitles(testFile)).length ? true : undefined,
    );
  }

  it('runs the tests from the Test Explorer and puts the code lens over the failing test only', async () => {
    await vscode.window.showTextDocument(testFile);
    await vscode.commands.executeCommand('testing.runAll');
    const lenses = await eventually('the code lens over the failing test', async () => {
      const found = await lensTitles(testFile);
      return found.length ? found : undefined;
    });
    assert.deepEqual(lenses, [
      { line: FAILING_TEST_LINE, title: '$(wrench) Self-repair' },
      { line: FAILING_TEST_LINE, title: '— Expected values to be strictly equal: 7 !== 11' },
    ]);
  });

  it('repairs from "Self-repair", shows the verified candidate as a diff, and Accept writes it as one undoable edit', async () => {
    server.enqueue(reply('js-total-whole-function'));
    await vscode.window.showTextDocument(cart);
    await vscode.commands.executeCommand('selfRepair.repair');

    const tabs = reviewTabs();
    assert.deepEqual(
      tabs.map((t) => t.label),
      ['cart.js ↔ Self-repair candidate 1/1 (3/3 tests pass)'],
    );
    await vscode.commands.executeCommand('selfRepair.acceptCandidate');

    const written = decode(await vscode.workspace.fs.readFile(cart));
    assert.match(written, /item\.price \* item\.quantity/);
    assert.equal(reviewTabs().length, 0, 'the review closed');
    await eventually('the lens gone once the test passes', async () =>
      (await lensTitles(testFile)).length === 0 ? true : undefined,
    );

    const editor = await vscode.window.showTextDocument(cart);
    await vscode.commands.executeCommand('undo');
    assert.equal(editor.document.getText(), decode(original), 'one undo reverts the whole candidate');
    await vscode.commands.executeCommand('redo');
    assert.equal(editor.document.getText(), written);
    await editor.document.save();
  });

  it('repairs the test a code lens names, and Reject leaves the file byte-identical', async () => {
    await failingAgain();
    const requests = server.requests.length;
    server.enqueue(reply('js-total-whole-function'));
    const before = await vscode.workspace.fs.readFile(cart);

    await vscode.commands.executeCommand('selfRepair.repairTest', {
      uri: testFile.toString(),
      testId: FAILING_TEST_ID,
    });
    assert.equal(server.requests.length, requests + 1, 'one request to the model');
    assert.equal(reviewTabs().length, 1);
    await vscode.commands.executeCommand('selfRepair.rejectCandidate');

    assert.equal(reviewTabs().length, 0);
    assert.deepEqual(await vscode.workspace.fs.readFile(cart), before);
  });

  it('refuses to Accept over the user\u2019s own edit of the same lines, changing nothing', async () => {
    await failingAgain();
    server.enqueue(reply('js-total-whole-function'));
    await vscode.window.showTextDocument(cart);
    await vscode.commands.executeCommand('selfRepair.repair');
    assert.equal(reviewTabs().length, 1);

    const editor = await vscode.window.showTextDocument(cart);
    const line = editor.document
      .getText()
      .split('\n')
      .findIndex((l) => l.includes('sum += item.price;'));
    assert.ok(line >= 0);
    await editor.edit((edit) => edit.replace(editor.document.lineAt(line).range, '    sum += item.price * 1; // mine'));
    const typed = editor.document.getText();
    const onDisk = await vscode.workspace.fs.readFile(cart);

    await vscode.commands.executeCommand('selfRepair.acceptCandidate');
    assert.equal(editor.document.getText(), typed, 'the user\u2019s text is kept');
    assert.deepEqual(await vscode.workspace.fs.readFile(cart), onDisk);
    assert.equal(reviewTabs().length, 1, 'still under review');

    await vscode.commands.executeCommand('selfRepair.rejectCandidate');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });
});
