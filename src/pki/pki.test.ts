// The certificates Berth makes verify with node's own X.509 code, with the names and usages
// TLS clients check, for new ECDSA keys and for RSA CAs from older data directories.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { generateCa, generateLeaf, newPrivateKey } from './pki.js';

test('a new CA is a self-signed ECDSA P-256 CA certificate', async () => {
  const ca = await generateCa();
  const cert = new X509Certificate(ca.certPem);
  assert.equal(cert.ca, true);
  assert.equal(cert.subject, 'CN=berth-ca');
  assert.equal(cert.issuer, 'CN=berth-ca');
  assert.ok(cert.verify(cert.publicKey), 'self-signed');
  assert.equal(createPrivateKey(ca.keyPem).asymmetricKeyDetails?.namedCurve, 'prime256v1');
  assert.ok(cert.checkPrivateKey(createPrivateKey(ca.keyPem)));
  assert.ok(new Date(cert.validTo).getTime() > Date.now() + 9 * 365 * 24 * 3600 * 1000);
});

test('a serving leaf carries its names and is signed by the CA', async () => {
  const ca = await generateCa();
  const leaf = await generateLeaf(ca, { commonName: 'berth-apiserver', server: true, dnsNames: ['localhost', 'kubernetes.default.svc'], ipAddresses: ['127.0.0.1', '::1'] });
  const cert = new X509Certificate(leaf.certPem);
  const caCert = new X509Certificate(ca.certPem);
  assert.equal(cert.ca, false);
  assert.ok(cert.checkIssued(caCert));
  assert.ok(cert.verify(caCert.publicKey));
  assert.equal(cert.checkHost('kubernetes.default.svc'), 'kubernetes.default.svc');
  assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
  assert.equal(cert.checkIP('::1'), '::1');
  assert.equal(cert.checkIP('10.0.0.1'), undefined);
  assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1']);
  assert.ok(cert.checkPrivateKey(createPrivateKey(leaf.keyPem)));
});

test('a client leaf has the user and groups Kubernetes reads (CN and O)', async () => {
  const ca = await generateCa();
  const leaf = await generateLeaf(ca, { commonName: '#jane, "the admin"', organizations: ['system:masters', 'dev'], client: true });
  const cert = new X509Certificate(leaf.certPem);
  // node prints RFC 4514 escapes; the value itself is the name as given.
  assert.equal(cert.subject, 'CN=\\#jane\\, \\"the admin\\"\nO=system:masters\nO=dev');
  assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.2']);
});

test('an RSA CA from an older data directory still signs new leaves', async () => {
  const rsaPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const ca = await generateCa('berth-ca', rsaPem);
  assert.equal(ca.keyPem, rsaPem, 'the key file is kept as it was');
  const leaf = await generateLeaf(ca, { commonName: 'berth-apiserver', server: true, dnsNames: ['localhost'] });
  const cert = new X509Certificate(leaf.certPem);
  assert.ok(cert.verify(new X509Certificate(ca.certPem).publicKey));
  assert.equal(createPrivateKey(leaf.keyPem).asymmetricKeyType, 'ec', 'the new leaf key is ECDSA');
  assert.ok((await newPrivateKey()).startsWith('-----BEGIN PRIVATE KEY-----'));
});
