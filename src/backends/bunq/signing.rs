//! bunq's request and response signatures: RSA PKCS#1 v1.5 with SHA-256 over the exact body
//! bytes, base64 in `X-Bunq-Client-Signature` (ours) and `X-Bunq-Server-Signature` (theirs).
//!
//! RSA is aws-lc-rs's, whose private-key operations are constant time (the `rsa` crate's are
//! not: RUSTSEC-2023-0071, the Marvin attack).

use aws_lc_rs::encoding::{AsDer, Pkcs8V1Der, PublicKeyX509Der};
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{self as sig, KeyPair as _, ParsedPublicKey, RsaKeyPair};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use pkcs8::LineEnding;
use pkcs8::der::pem;

/// bunq's keys are 2048-bit RSA.
pub const KEY_BITS: usize = 2048;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum SignatureError {
    #[error("the signature is missing")]
    Missing,
    #[error("the signature is not base64")]
    NotBase64,
    #[error("the signature does not match the body")]
    Mismatch,
    #[error("the key is not an RSA public key (PEM)")]
    BadKey,
}

/// Our RSA key pair (its `Debug` shows no key material).
pub struct PrivateKey(RsaKeyPair);

impl std::fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PrivateKey(RSA, redacted)")
    }
}

/// The other side's RSA public key, parsed once.
pub struct PublicKey(ParsedPublicKey);

pub fn generate() -> PrivateKey {
    PrivateKey(
        RsaKeyPair::generate(KeySize::Rsa2048)
            .expect("RSA key generation with the operating system's random numbers"),
    )
}

/// PKCS#8 PEM, for the state file.
pub fn private_pem(key: &PrivateKey) -> String {
    let der: Pkcs8V1Der<'static> = key.0.as_der().expect("an RSA key encodes");
    pem::encode_string("PRIVATE KEY", LineEnding::LF, der.as_ref()).expect("PEM encodes")
}

/// A PKCS#8 PEM RSA private key (as [`private_pem`] and `openssl genpkey` write it).
pub fn private_from_pem(text: &str) -> Option<PrivateKey> {
    let (label, der) = pem::decode_vec(text.trim().as_bytes()).ok()?;
    if label != "PRIVATE KEY" {
        return None;
    }
    let key = RsaKeyPair::from_pkcs8(&der).ok()?;
    (key.public_modulus_len() * 8 >= KEY_BITS).then_some(PrivateKey(key))
}

/// `-----BEGIN PUBLIC KEY-----` (SubjectPublicKeyInfo), as `/installation` takes and gives it.
pub fn public_pem(key: &PrivateKey) -> String {
    let der: PublicKeyX509Der<'static> = key
        .0
        .public_key()
        .as_der()
        .expect("an RSA public key encodes");
    pem::encode_string("PUBLIC KEY", LineEnding::LF, der.as_ref()).expect("PEM encodes")
}

pub fn public_from_pem(text: &str) -> Result<PublicKey, SignatureError> {
    let (label, der) =
        pem::decode_vec(text.trim().as_bytes()).map_err(|_| SignatureError::BadKey)?;
    if label != "PUBLIC KEY" && label != "RSA PUBLIC KEY" {
        return Err(SignatureError::BadKey);
    }
    let bits = aws_lc_rs::rsa::PublicKey::from_der(&der)
        .map_err(|_| SignatureError::BadKey)?
        .modulus_len()
        * 8;
    if bits < KEY_BITS {
        return Err(SignatureError::BadKey);
    }
    ParsedPublicKey::new(&sig::RSA_PKCS1_2048_8192_SHA256, der)
        .map(PublicKey)
        .map_err(|_| SignatureError::BadKey)
}

pub fn sign(key: &PrivateKey, body: &[u8]) -> String {
    let mut out = vec![0u8; key.0.public_modulus_len()];
    key.0
        .sign(
            &sig::RSA_PKCS1_SHA256,
            &aws_lc_rs::rand::SystemRandom::new(),
            body,
            &mut out,
        )
        .expect("PKCS#1 v1.5 signing with a 2048-bit key");
    B64.encode(out)
}

pub fn verify(key: &PublicKey, body: &[u8], signature: Option<&str>) -> Result<(), SignatureError> {
    let sig = B64
        .decode(signature.ok_or(SignatureError::Missing)?.trim())
        .map_err(|_| SignatureError::NotBase64)?;
    key.0
        .verify_sig(body, &sig)
        .map_err(|_| SignatureError::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_and_any_change_is_refused() {
        let key = generate();
        let public = public_from_pem(&public_pem(&key)).unwrap();
        let sig = sign(&key, b"{\"status\":\"BLOCKED\"}");
        assert_eq!(
            verify(&public, b"{\"status\":\"BLOCKED\"}", Some(&sig)),
            Ok(())
        );
        assert_eq!(
            verify(&public, b"{\"status\":\"ACTIVE\"}", Some(&sig)),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(verify(&public, b"", None), Err(SignatureError::Missing));
        assert_eq!(
            verify(&public, b"", Some("%%")),
            Err(SignatureError::NotBase64)
        );
        let stranger = public_from_pem(&public_pem(&generate())).unwrap();
        assert_eq!(
            verify(&stranger, b"{\"status\":\"BLOCKED\"}", Some(&sig)),
            Err(SignatureError::Mismatch)
        );
        // PKCS#1 v1.5 is deterministic: the key read back signs the same bytes.
        let again = private_from_pem(&private_pem(&key)).unwrap();
        assert_eq!(sign(&again, b"x"), sign(&key, b"x"));
        assert!(!format!("{key:?}").contains("MII"));
    }

    #[test]
    fn keys_that_are_not_rsa_public_keys_of_2048_bits_are_refused() {
        assert_eq!(
            public_from_pem("not a key").err(),
            Some(SignatureError::BadKey)
        );
        let key = generate();
        assert_eq!(
            public_from_pem(&private_pem(&key)).err(),
            Some(SignatureError::BadKey)
        );
        // 1024 bits (openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 | openssl pkey -pubout).
        let small = "-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDHMGrf8UxIYgFDt2TM16ZRzbXH
xX2PI3E+k0upzxt3vbvoyzXQGP173wybqa1uATQ8cpj64QeDHbAJRYmW4GZzMd5q
0kFPpGV+l2hPkdGAerJQM7hnfe5IQDgyzet3X/nyhkt9qbYlqd2V5up0HQ7SAReb
1PSyQ0KQQ23ZOPxn2wIDAQAB
-----END PUBLIC KEY-----";
        assert_eq!(public_from_pem(small).err(), Some(SignatureError::BadKey));
    }
}
