//! bunq's request and response signatures: RSA PKCS#1 v1.5 with SHA-256 over the exact body
//! bytes, base64 in `X-Bunq-Client-Signature` (ours) and `X-Bunq-Server-Signature` (theirs).

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use rsa::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, LineEnding,
};
use rsa::sha2::Sha256;
use rsa::{PrivateKey, PublicKey};

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

pub fn generate() -> PrivateKey {
    PrivateKey::new(&mut crypto_common::getrandom::SysRng, KEY_BITS)
        .expect("RSA key generation with the operating system's random numbers")
}

/// PKCS#8 PEM, for the state file.
pub fn private_pem(key: &PrivateKey) -> String {
    key.to_pkcs8_pem(LineEnding::LF)
        .map(|p| p.to_string())
        .expect("an RSA key encodes")
}

pub fn private_from_pem(pem: &str) -> Option<PrivateKey> {
    PrivateKey::from_pkcs8_pem(pem).ok()
}

/// `-----BEGIN PUBLIC KEY-----` (SubjectPublicKeyInfo), as `/installation` takes and gives it.
pub fn public_pem(key: &PublicKey) -> String {
    key.to_public_key_pem(LineEnding::LF)
        .expect("an RSA public key encodes")
}

pub fn public_from_pem(pem: &str) -> Result<PublicKey, SignatureError> {
    PublicKey::from_public_key_pem(pem.trim()).map_err(|_| SignatureError::BadKey)
}

pub fn sign(key: &PrivateKey, body: &[u8]) -> String {
    B64.encode(
        key.pkcs1v15_sign::<Sha256>(body)
            .expect("PKCS#1 v1.5 signing with a 2048-bit key"),
    )
}

pub fn verify(key: &PublicKey, body: &[u8], signature: Option<&str>) -> Result<(), SignatureError> {
    let sig = B64
        .decode(signature.ok_or(SignatureError::Missing)?.trim())
        .map_err(|_| SignatureError::NotBase64)?;
    key.pkcs1v15_verify::<Sha256>(body, &sig)
        .map_err(|_| SignatureError::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_and_any_change_is_refused() {
        let key = generate();
        let public = public_from_pem(&public_pem(&key.to_public_key())).unwrap();
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
        let stranger = generate().to_public_key();
        assert_eq!(
            verify(&stranger, b"{\"status\":\"BLOCKED\"}", Some(&sig)),
            Err(SignatureError::Mismatch)
        );
        let again = private_from_pem(&private_pem(&key)).unwrap();
        assert_eq!(sign(&again, b"x"), sign(&key, b"x"));
    }
}
