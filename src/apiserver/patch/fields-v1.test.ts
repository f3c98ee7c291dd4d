// FieldsV1 encoding, path element order and the path spelling of conflict messages.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { comparePE, fieldPE, indexPE, keyPE, pathString, valuePE } from './fieldpath.js';
import { FieldSet } from './fieldset.js';
import { fieldSetToFieldsV1, fieldsV1ToFieldSet } from './fields-v1.js';

describe('field sets', () => {
  it('round-trips FieldsV1 with "." for members that have children', () => {
    const fields = {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {} } }, 'f:finalizers': { 'v:"a"': {} } },
    };
    const set = fieldsV1ToFieldSet(fields);
    assert.ok(set.has([fieldPE('metadata'), fieldPE('labels')]));
    assert.ok(!set.has([fieldPE('spec')]));
    assert.ok(set.has([fieldPE('spec'), fieldPE('containers'), keyPE({ name: 'nginx' }), fieldPE('image')]));
    assert.deepEqual(fieldSetToFieldsV1(set), {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': { 'f:containers': { 'k:{"name":"nginx"}': { '.': {}, 'f:image': {} } }, 'f:finalizers': { 'v:"a"': {} } },
    });
    assert.throws(() => fieldsV1ToFieldSet({ 'x:bad': {} }), /invalid path element/);
  });

  it('orders elements as upstream: fields, keys, values, indexes', () => {
    const pes = [indexPE(2), valuePE('b'), keyPE({ port: 80, protocol: 'TCP' }), fieldPE('b'), valuePE(1), fieldPE('a'), keyPE({ port: 8 })];
    assert.deepEqual(pes.sort(comparePE), ['f:a', 'f:b', 'k:{"port":8}', 'k:{"port":80,"protocol":"TCP"}', 'v:1', 'v:"b"', 'i:2']);
    assert.equal(keyPE({ protocol: 'TCP', containerPort: 80 }), 'k:{"containerPort":80,"protocol":"TCP"}');
  });

  it('spells paths as conflicts print them', () => {
    assert.equal(pathString([fieldPE('spec'), fieldPE('containers'), keyPE({ name: 'nginx' }), fieldPE('image')]), '.spec.containers[name="nginx"].image');
    assert.equal(pathString([fieldPE('f'), valuePE('x'), indexPE(3)]), '.f[="x"][3]');
  });

  it('has set algebra with recursive difference', () => {
    const a = FieldSet.of([fieldPE('s'), fieldPE('x')], [fieldPE('s'), fieldPE('y')], [fieldPE('t')]);
    const b = FieldSet.of([fieldPE('s'), fieldPE('x')], [fieldPE('u')]);
    assert.deepEqual(a.difference(b).paths(), [['f:t'], ['f:s', 'f:y']]);
    assert.deepEqual(a.intersection(b).paths(), [['f:s', 'f:x']]);
    assert.deepEqual(a.recursiveDifference(FieldSet.of([fieldPE('s')])).paths(), [['f:t']]);
    assert.ok(a.union(b).equals(FieldSet.of([fieldPE('s'), fieldPE('x')], [fieldPE('s'), fieldPE('y')], [fieldPE('t')], [fieldPE('u')])));
  });
});
