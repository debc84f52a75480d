import { X509Certificate, createPrivateKey } from 'node:crypto';
import { selfSignedCertificate } from '../../provider/terraform/protocol/certificate';

// go-plugin's client trusts exactly the certificate in the handshake line and checks the name
// "localhost"; a certificate OpenSSL cannot parse makes the provider die before its handshake.

describe('the AutoMTLS server certificate', () => {
  test('is a valid self-signed CA certificate for localhost, for server and client auth', () => {
    const { certPem, keyPem, derBase64 } = selfSignedCertificate();
    const cert = new X509Certificate(certPem);
    expect(cert.verify(cert.publicKey)).toBe(true);
    expect(cert.ca).toBe(true);
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect(cert.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(cert.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    expect(cert.checkPrivateKey(createPrivateKey(keyPem))).toBe(true);
    expect(Buffer.from(derBase64, 'base64').equals(cert.raw)).toBe(true);
    expect(derBase64).not.toMatch(/=$/);
  });

  test('every fresh certificate parses: random serials are always minimal DER', () => {
    // A serial starting with a zero byte would be non-minimal DER about once in 512 starts.
    for (let i = 0; i < 1500; i++) {
      const cert = new X509Certificate(selfSignedCertificate().certPem);
      expect(cert.serialNumber).toMatch(/^[4-7]/);
    }
  });
});
