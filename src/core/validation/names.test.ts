import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isConfigMapKey, isDNS1035Label, isDNS1123Label, isDNS1123Subdomain, isQualifiedName, isValidLabelValue,
  isValidPortName, nameIsDNSSubdomain, utf8Length } from './names.js';

const SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

test('DNS-1123 subdomain and label messages match upstream', () => {
  assert.deepEqual(isDNS1123Subdomain('web-0.nginx'), []);
  assert.deepEqual(isDNS1123Subdomain('Web'), [SUBDOMAIN_MSG]);
  assert.deepEqual(isDNS1123Subdomain('a'.repeat(254)), ['must be no more than 253 characters']);
  assert.deepEqual(isDNS1123Label('web'), []);
  assert.deepEqual(isDNS1123Label('web.x'), ['must not contain dots']);
  assert.deepEqual(isDNS1123Label('-web'), [LABEL_MSG]);
  assert.deepEqual(isDNS1123Label('a'.repeat(64)), ['must be no more than 63 characters']);
  assert.match(isDNS1035Label('1abc')[0], /^a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character/);
});

test('qualified names check prefix and name parts', () => {
  assert.deepEqual(isQualifiedName('example.com/MyName'), []);
  assert.deepEqual(isQualifiedName('/x'), ['prefix part must be non-empty']);
  assert.deepEqual(isQualifiedName('a/b/c'), ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]);
  assert.deepEqual(isQualifiedName('x/'), ['name part must be non-empty', "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"]);
  assert.equal(isQualifiedName('Bad_/x')[0].startsWith('prefix part a lowercase RFC 1123 subdomain'), true);
});

test('label values, config keys and port names', () => {
  assert.deepEqual(isValidLabelValue(''), []);
  assert.deepEqual(isValidLabelValue('-x'), ["a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"]);
  assert.deepEqual(isConfigMapKey('..x'), ["must not start with '..'"]);
  assert.deepEqual(isConfigMapKey('a b'), ["a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"]);
  assert.deepEqual(isValidPortName('80'), ['must contain at least one letter (a-z)']);
  assert.deepEqual(isValidPortName('http-server'), []);
});

test('generateName prefixes may end with a dash', () => {
  assert.deepEqual(nameIsDNSSubdomain('web-', true), []);
  assert.notDeepEqual(nameIsDNSSubdomain('web-', false), []);
});

test('remembered names answer as the first check did; a returned list is the caller\'s own', () => {
  for (let i = 0; i < 3; i++) {
    assert.deepEqual(isQualifiedName('example.com/MyName'), []);
    assert.deepEqual(isQualifiedName('Example.com/x'), [`prefix part ${SUBDOMAIN_MSG}`]);
    assert.deepEqual(isValidLabelValue('v1.2'), []);
    assert.equal(isValidLabelValue('a b').length, 1);
  }
  const mine = isQualifiedName('example.com/MyName');
  mine.push('changed by the caller');
  assert.deepEqual(isQualifiedName('example.com/MyName'), []);
});

test('utf8Length counts bytes as Go does, a lone surrogate as three', () => {
  assert.equal(utf8Length(''), 0);
  assert.equal(utf8Length('abc'), 3);
  assert.equal(utf8Length('é€'), 5);
  assert.equal(utf8Length('😀'), 4);
  assert.equal(utf8Length('\ud83d'), 3);
  assert.equal(utf8Length('\ude00x'), 4);
  assert.equal(utf8Length('a\ud83dé'), 6);
  for (const s of ['x😀y€é', '\ud800\ud800\udc00', 'ß'.repeat(40)]) assert.equal(utf8Length(s), Buffer.byteLength(s), s);
});

test('DNS-1123 names are judged exactly as upstream\'s regexes judge them', () => {
  const label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
  const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
  const chars = ['a', 'z', '0', '9', '-', '.', 'A', '_', ' ', '\n', 'é'];
  let seed = 3;
  const rnd = (n: number): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  const names = ['', '.', '-', 'a', 'a.b', 'a..b', 'a-.b', 'a.-b', '-a', 'a-', 'a.', '.a', 'web-0.nginx', 'a\n'];
  for (let i = 0; i < 20_000; i++) names.push(Array.from({ length: rnd(7) }, () => chars[rnd(chars.length)]).join(''));
  for (const n of names) {
    assert.equal(isDNS1123Subdomain(n).some((m) => m.startsWith('a lowercase RFC 1123 subdomain')), !subdomain.test(n), JSON.stringify(n));
    const errs = isDNS1123Label(n);
    assert.equal(errs.length === 0, label.test(n), JSON.stringify(n));
    if (!label.test(n)) assert.equal(errs.includes('must not contain dots'), subdomain.test(n), JSON.stringify(n));
  }
});
