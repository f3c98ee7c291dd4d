import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorText } from '../../../core/validation/index.js';
import { configMapStrategy as cms, type ConfigMapObject } from '../configmap/strategy.js';
import { secretStrategy as s, type SecretObject } from './strategy.js';

const meta = { name: 'x', namespace: 'default' };

test('secrets default to Opaque and fold stringData into data', () => {
  const sec: SecretObject = { apiVersion: 'v1', kind: 'Secret', metadata: { ...meta }, stringData: { password: 'hunter2' } };
  s.defaults(sec);
  assert.equal(sec.type, 'Opaque');
  assert.deepEqual(sec.data, { password: Buffer.from('hunter2').toString('base64') });
  assert.equal(sec.stringData, undefined);
  assert.deepEqual(s.validate(sec), []);
});

test('secret rules: keys, per-type fields, type and immutable data', () => {
  const tls: SecretObject = { apiVersion: 'v1', kind: 'Secret', metadata: { ...meta }, type: 'kubernetes.io/tls', data: { 'bad key': 'eA==' } };
  assert.deepEqual(s.validate(tls).map(fieldErrorText), [
    "data[bad key]: Invalid value: \"bad key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
    'data[tls.crt]: Required value', 'data[tls.key]: Required value',
  ]);
  const prev: SecretObject = { apiVersion: 'v1', kind: 'Secret', metadata: { ...meta }, type: 'Opaque', immutable: true, data: { a: 'eA==' } };
  const next = structuredClone(prev);
  next.type = 'kubernetes.io/basic-auth';
  next.data = { a: 'eQ==' };
  assert.deepEqual(s.validateUpdate(next, prev).map(fieldErrorText), [
    'type: Invalid value: "kubernetes.io/basic-auth": field is immutable',
    'data: Forbidden: field is immutable when `immutable` is set',
    // The new object is also validated as a whole, as its new type.
    'data[username]: Required value', 'data[password]: Required value',
  ]);
});

test('config maps: duplicate keys, 1 MiB, immutable', () => {
  const cm: ConfigMapObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { ...meta }, data: { a: 'x', big: 'y'.repeat(1024 * 1024) }, binaryData: { a: 'eA==' } };
  assert.deepEqual(cms.validate(cm).map(fieldErrorText), [
    'data[a]: Invalid value: "a": duplicate of key present in binaryData', '[]: Too long: may not be more than 1048576 bytes',
  ]);
  const prev: ConfigMapObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { ...meta }, immutable: true, data: { a: 'x' } };
  const next = structuredClone(prev);
  delete next.immutable;
  assert.deepEqual(cms.validateUpdate(next, prev).map(fieldErrorText), ['immutable: Forbidden: field is immutable when `immutable` is set']);
});
