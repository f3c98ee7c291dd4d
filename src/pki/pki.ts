// Certificates for the cluster: a CA, serving certificates, client certificates.
// New keys are ECDSA P-256 (kubeadm's `--encryption-algorithm=ECDSA-P256`): generating one takes
// well under a millisecond where RSA-2048 takes 100–500 ms, and a first `berth up` makes two.
// Signing runs in node:crypto through WebCrypto; @peculiar/x509 builds the X.509 structures.
// CAs made by earlier versions hold RSA keys; leaves they sign are signed with RSA.
import 'reflect-metadata';
import { createPrivateKey, createPublicKey, randomBytes, webcrypto, type KeyObject } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { AttributeTypeAndValue, AttributeValue, Name as AsnName, RelativeDistinguishedName } from '@peculiar/asn1-x509';
import * as x509 from '@peculiar/x509';

export interface KeyPair { readonly certPem: string; readonly keyPem: string }

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const YEAR_MS = 365 * 24 * 3600 * 1000;
const EC_ALG = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const RSA_ALG = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

interface SigningKey {
  readonly alg: typeof EC_ALG | typeof RSA_ALG;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly keyPem: string;
}

/** A new ECDSA P-256 private key (PKCS#8 PEM). */
export async function newPrivateKey(): Promise<string> {
  const { privateKey } = await webcrypto.subtle.generateKey(EC_ALG, true, ['sign', 'verify']);
  return pkcs8Pem(createPrivateKey({ key: Buffer.from(await webcrypto.subtle.exportKey('pkcs8', privateKey)), format: 'der', type: 'pkcs8' }));
}

function pkcs8Pem(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** Imports a PEM key of either kind (PKCS#1 RSA from older data directories, PKCS#8 EC or RSA). */
async function importKey(keyPem: string): Promise<SigningKey> {
  const key = createPrivateKey(keyPem);
  const alg = key.asymmetricKeyType === 'rsa' ? RSA_ALG : EC_ALG;
  if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'ec') throw new Error(`unsupported key type ${key.asymmetricKeyType}`);
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' });
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const [privateKey, publicKey] = await Promise.all([
    webcrypto.subtle.importKey('pkcs8', pkcs8, alg, false, ['sign']),
    webcrypto.subtle.importKey('spki', spki, alg, true, ['verify']),
  ]);
  return { alg, privateKey, publicKey, keyPem };
}

function validity(years: number): { serialNumber: string; notBefore: Date; notAfter: Date } {
  // Positive serial: clear the top bit.
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  const now = Date.now();
  return { serialNumber: serial.toString('hex'), notBefore: new Date(now - 60_000), notAfter: new Date(now + years * YEAR_MS) };
}

const OID_CN = '2.5.4.3';
const OID_O = '2.5.4.10';

/**
 * CN and O as UTF8Strings, built from ASN.1 directly: the library's string and JSON forms give
 * meaning to quotes and a leading `#`, and a user name may contain either.
 */
function distinguishedName(commonName: string, organizations: readonly string[] = []): x509.Name {
  const rdn = (type: string, value: string) => new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value: new AttributeValue({ utf8String: value }) })]);
  return new x509.Name(AsnConvert.serialize(new AsnName([rdn(OID_CN, commonName), ...organizations.map((o) => rdn(OID_O, o))])));
}

export async function generateCa(commonName = 'berth-ca', pem?: string): Promise<KeyPair> {
  const key = await importKey(pem ?? await newPrivateKey());
  const name = distinguishedName(commonName);
  const cert = await x509.X509CertificateGenerator.create({
    ...validity(10), subject: name, issuer: name, publicKey: key.publicKey, signingKey: key.privateKey, signingAlgorithm: key.alg,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(key.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: key.keyPem };
}

export interface LeafOptions {
  readonly commonName: string;
  readonly organizations?: readonly string[];
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  readonly server?: boolean;
  readonly client?: boolean;
}

export async function generateLeaf(ca: KeyPair, opts: LeafOptions, leafKeyPem?: string): Promise<KeyPair> {
  const [caKey, leafKey] = await Promise.all([importKey(ca.keyPem), importKey(leafKeyPem ?? await newPrivateKey())]);
  const caCert = new x509.X509Certificate(ca.certPem);
  const usages = [...(opts.server ? [x509.ExtendedKeyUsage.serverAuth] : []), ...(opts.client ? [x509.ExtendedKeyUsage.clientAuth] : [])];
  const altNames: x509.JsonGeneralName[] = [
    ...(opts.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(opts.ipAddresses ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  // ECDSA keys sign only; RSA keys also did key encipherment (TLS 1.2 RSA key exchange).
  const keyUsage = leafKey.alg === RSA_ALG ? x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment : x509.KeyUsageFlags.digitalSignature;
  const cert = await x509.X509CertificateGenerator.create({
    ...validity(5), subject: distinguishedName(opts.commonName, opts.organizations), issuer: caCert.subjectName,
    publicKey: leafKey.publicKey, signingKey: caKey.privateKey, signingAlgorithm: caKey.alg,
    extensions: [
      new x509.BasicConstraintsExtension(false),
      new x509.KeyUsagesExtension(keyUsage, true),
      ...(usages.length ? [new x509.ExtendedKeyUsageExtension(usages)] : []),
      ...(altNames.length ? [new x509.SubjectAlternativeNameExtension(altNames)] : []),
      await x509.AuthorityKeyIdentifierExtension.create(caCert),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: leafKey.keyPem };
}

/** A random bearer token (hex), as kubeadm-style tokens are opaque secrets. */
export function newToken(): string {
  return randomBytes(24).toString('hex');
}
