import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isApiError } from './errors.js';
import {
  formatLabels, formatLabelSelector, isQualifiedName, labelSelectorAsSelector, newRequirement, parseSelector,
  Selector, selectorFromSet,
} from './labels.js';

const QNAME_RULE = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_RULE = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const SUBDOMAIN_RULE = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

test('parseSelector normalises to upstream String()', () => {
  const cases: Array<[string, string]> = [
    ['', ''],
    ['x=a', 'x=a'],
    ['x==a', 'x==a'],
    ['x!=a', 'x!=a'],
    [' x = a ,\ty != b ', 'x=a,y!=b'],
    ['x in (b,a)', 'x in (a,b)'],
    ['x notin (a)', 'x notin (a)'],
    ['x', 'x'],
    ['!x', '!x'],
    ['x>1', 'x>1'],
    ['x<10', 'x<10'],
    ['z=1,a=2', 'a=2,z=1'],
    ['x in (foo,,baz),y,z notin ()', 'x in (,baz,foo),y,z notin ()'],
    ['x=', 'x='],
    ['a in (in),notin=in', 'a in (in),notin=in'],
    ['app.kubernetes.io/name=web', 'app.kubernetes.io/name=web'],
  ];
  for (const [input, want] of cases) assert.equal(parseSelector(input).toString(), want, input);
});

test('parseSelector matching', () => {
  const cases: Array<[string, Record<string, string>, boolean]> = [
    ['', { a: 'b' }, true],
    ['x=a', { x: 'a' }, true],
    ['x=a', { x: 'b' }, false],
    ['x=a', {}, false],
    ['x==a', { x: 'a', y: 'z' }, true],
    ['x!=a', {}, true],
    ['x!=a', { x: 'a' }, false],
    ['x in (a,b)', { x: 'b' }, true],
    ['x in (a,b)', { x: 'c' }, false],
    ['x notin (a)', {}, true],
    ['x notin (a)', { x: 'a' }, false],
    ['x', { x: '' }, true],
    ['x', { y: '' }, false],
    ['!x', {}, true],
    ['!x', { x: '1' }, false],
    ['x>1', { x: '2' }, true],
    ['x>1', { x: '1' }, false],
    ['x>1', { x: 'abc' }, false],
    ['x>1', {}, false],
    ['x<10', { x: '-3' }, true],
    ['x=', { x: '' }, true],
    ['x=', {}, false],
    ['app=nginx,tier in (web)', { app: 'nginx', tier: 'web' }, true],
    ['app=nginx,tier in (web)', { app: 'nginx', tier: 'db' }, false],
  ];
  for (const [sel, labels, want] of cases) {
    assert.equal(parseSelector(sel).matches(labels), want, `${sel} vs ${JSON.stringify(labels)}`);
  }
  assert.equal(parseSelector('x').matches(undefined), false);
  assert.equal(parseSelector('!x').matches(null), true);
});

test('parseSelector errors carry upstream messages as 400 BadRequest', () => {
  const cases: Array<[string, string]> = [
    ['x=a b', "found 'b', expected: ',' or 'end of string'"],
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['x!', "unable to parse requirement: found '!', expected: in, notin, =, ==, !=, gt, lt"],
    ['x in a', "unable to parse requirement: found 'a' expected: '('"],
    ['x in (a', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['x in (a=b)', "unable to parse requirement: found '=', expected: ',' or ')'"],
    ['x in (a,=)', "unable to parse requirement: found '=', expected: ',', or identifier"],
    ['x in =', "unable to parse requirement: found '=' expected: '('"],
    [',x', "found ',', expected: !, identifier, or 'end of string'"],
    ['=x', "found '=', expected: !, identifier, or 'end of string'"],
    ['x=a,', "found '', expected: identifier after ','"],
    ['x=(a)', "unable to parse requirement: found '(', expected: identifier"],
    ['x===a', "unable to parse requirement: found '=', expected: identifier"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['a@b=c', `unable to parse requirement: <nil>: Invalid value: "a@b": name part ${QNAME_RULE}`],
    ['example.com/=c', `unable to parse requirement: <nil>: Invalid value: "example.com/": name part must be non-empty; name part ${QNAME_RULE}`],
    ['app=a@b', `unable to parse requirement: values[0][app]: Invalid value: "a@b": ${VALUE_RULE}`],
    [`a=${'b'.repeat(64)}`, `unable to parse requirement: values[0][a]: Invalid value: "${'b'.repeat(64)}": must be no more than 63 characters`],
    ['x>a', `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['x>', `unable to parse requirement: values[0]: Invalid value: "": for 'Gt', 'Lt' operators, the value must be an integer`],
    // The value must also be a valid label value, so negative bounds are refused.
    ['x<-1', `unable to parse requirement: values[0][x]: Invalid value: "-1": ${VALUE_RULE}`],
    ['x>99999999999999999999', `unable to parse requirement: values[0]: Invalid value: "99999999999999999999": for 'Gt', 'Lt' operators, the value must be an integer`],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => parseSelector(input), (e: unknown) => {
      assert.ok(isApiError(e), input);
      assert.equal(e.code, 400, input);
      assert.equal(e.reason, 'BadRequest', input);
      assert.equal(e.message, message, input);
      return true;
    });
  }
});

test('isQualifiedName', () => {
  assert.deepEqual(isQualifiedName('statefulset.kubernetes.io/pod-name'), []);
  assert.deepEqual(isQualifiedName('/a'), ['prefix part must be non-empty']);
  assert.deepEqual(isQualifiedName('Example.com/a'), [`prefix part ${SUBDOMAIN_RULE}`]);
  assert.deepEqual(isQualifiedName('a/b/c'), [
    `a qualified name ${QNAME_RULE} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`]);
  assert.deepEqual(isQualifiedName('a'.repeat(64)), ['name part must be no more than 63 characters']);
});

test('labelSelectorAsSelector and its string form', () => {
  assert.equal(labelSelectorAsSelector({ matchLabels: { app: 'nginx' } }).toString(), 'app=nginx');
  assert.equal(labelSelectorAsSelector({
    matchLabels: { app: 'nginx' },
    matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'db'] }, { key: 'canary', operator: 'DoesNotExist' },
      { key: 'env', operator: 'Exists' }, { key: 'zone', operator: 'NotIn', values: ['b'] }],
  }).toString(), 'app=nginx,!canary,env,tier in (db,web),zone notin (b)');
  const nothing = labelSelectorAsSelector(undefined);
  assert.equal(nothing.matches({}), false);
  assert.equal(nothing.empty(), false);
  const everything = labelSelectorAsSelector({});
  assert.equal(everything.matches({ any: 'thing' }), true);
  assert.equal(everything.empty(), true);
  assert.equal(labelSelectorAsSelector({ matchLabels: { app: 'nginx' } }).matches({ app: 'nginx', x: 'y' }), true);
  assert.equal(labelSelectorAsSelector({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] })
    .matches({ app: 'nginx' }), true);
});

test('labelSelectorAsSelector errors', () => {
  const cases: Array<[Parameters<typeof labelSelectorAsSelector>[0], string]> = [
    [{ matchExpressions: [{ key: 'a', operator: 'Foo' }] }, '"Foo" is not a valid pod selector operator'],
    [{ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] },
      "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty"],
    [{ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x', 'y'] }] },
      'values: Invalid value: []string{"x", "y"}: values set must be empty for exists and does not exist'],
    [{ matchExpressions: [{ key: 'a b', operator: 'In', values: ['c d'] }] },
      `[key: Invalid value: "a b": name part ${QNAME_RULE}, values[0][a b]: Invalid value: "c d": ${VALUE_RULE}]`],
    [{ matchLabels: { app: 'a/b' } }, `values[0][app]: Invalid value: "a/b": ${VALUE_RULE}`],
  ];
  for (const [ls, message] of cases) {
    assert.throws(() => labelSelectorAsSelector(ls), (e: unknown) => isApiError(e) && e.code === 400 && e.message === message,
      message);
  }
  assert.equal(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Foo' }] }), '<error>');
  assert.equal(formatLabelSelector(undefined), '<none>');
  assert.equal(formatLabelSelector({ matchLabels: { app: 'nginx' } }), 'app=nginx');
});

test('sets, exact matches and formatting helpers', () => {
  assert.equal(formatLabels({}), '<none>');
  assert.equal(formatLabels({ b: '2', a: '1' }), 'a=1,b=2');
  assert.equal(selectorFromSet({ app: 'nginx' }).toString(), 'app=nginx');
  assert.equal(parseSelector('a in (x),b=y').requiresExactMatch('a'), 'x');
  assert.equal(parseSelector('a in (x,z)').requiresExactMatch('a'), undefined);
  assert.equal(parseSelector('a!=x').requiresExactMatch('a'), undefined);
  assert.equal(Selector.EVERYTHING.add(newRequirement('b', '=', ['1']), newRequirement('a', 'exists', [])).toString(), 'a,b=1');
  assert.throws(() => newRequirement('a', '=', []), /exact-match compatibility requires one single value/);
  assert.throws(() => newRequirement('a', 'gt', ['1', '2']), /values: Invalid value: \[\]string\{"1", "2"\}: for 'Gt', 'Lt' operators, exactly one value is required/);
});
