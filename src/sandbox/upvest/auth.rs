//! Who may call the Upvest sandbox: one registered client (id, secret) with two signing keys
//! (Ed25519 and ECDSA P-521), OAuth2 client-credentials tokens with scopes, and the nonces
//! already seen.
//!
//! The keys are fixed sandbox keys shipped in `assets/sandbox-keys/` (public, made with
//! OpenSSL), so nothing is generated at start and the private key handed out is the PKCS#8 v1
//! file OpenSSL wrote.

use super::signature::{self, PublicKey};
use std::collections::{HashMap, HashSet, VecDeque};
use std::path::PathBuf;
use std::sync::Mutex;

/// The nonces seen, and (oldest first) when each arrived, in unix seconds.
type Nonces = (HashSet<String>, VecDeque<(i64, String)>);

pub struct Auth {
    pub client_id: String,
    pub client_secret: String,
    /// key id → public key.
    pub keys: HashMap<String, PublicKey>,
    /// The Ed25519 key's id and its private key file (PKCS#8 PEM, mode 0600).
    pub key_id: String,
    pub key_path: PathBuf,
    /// The P-521 key, for tests of the second algorithm.
    pub p521_key_id: String,
    pub p521_key_pem: String,
    pub token_ttl_secs: i64,
    tokens: Mutex<HashMap<String, (i64, Vec<String>)>>,
    /// The nonces seen, and when each arrived (unix seconds), oldest first.
    nonces: Mutex<Nonces>,
    dir: PathBuf,
}

impl Drop for Auth {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

use crate::sandbox::auth::random_hex;

/// The sandbox's Upvest keys (see `assets/sandbox-keys/README.md`).
pub const ED25519_PEM: &str =
    include_str!("../../../assets/sandbox-keys/sandbox-upvest-ed25519.pem");
pub const ED25519_PUBLIC_PEM: &str =
    include_str!("../../../assets/sandbox-keys/sandbox-upvest-ed25519.pub.pem");
pub const P521_PEM: &str = include_str!("../../../assets/sandbox-keys/sandbox-upvest-p521.pem");
pub const P521_PUBLIC_PEM: &str =
    include_str!("../../../assets/sandbox-keys/sandbox-upvest-p521.pub.pem");

fn public(pem: &str) -> PublicKey {
    PublicKey::from_pem(pem).expect("the sandbox's shipped public keys parse")
}

pub const SCOPES: [&str; 6] = [
    "users:read",
    "users:admin",
    "checks:read",
    "checks:admin",
    "taxes:read",
    "taxes:admin",
];

impl Auth {
    /// The client and its keys; the Ed25519 private key goes to a 0600 file.
    pub fn new(token_ttl_secs: i64) -> std::io::Result<Auth> {
        let (key_id, p521_key_id) = (
            uuid::Uuid::new_v4().to_string(),
            uuid::Uuid::new_v4().to_string(),
        );
        let dir = std::env::temp_dir().join(format!(
            "backoffice-sandbox-{}-{}",
            std::process::id(),
            &random_hex()[..8]
        ));
        std::fs::create_dir_all(&dir)?;
        let key_path = dir.join("upvest-signing-key.pem");
        write_private(&key_path, ED25519_PEM)?;
        Ok(Auth {
            client_id: uuid::Uuid::new_v4().to_string(),
            client_secret: random_hex(),
            keys: HashMap::from([
                (key_id.clone(), public(ED25519_PUBLIC_PEM)),
                (p521_key_id.clone(), public(P521_PUBLIC_PEM)),
            ]),
            key_id,
            key_path,
            p521_key_id,
            p521_key_pem: P521_PEM.to_string(),
            token_ttl_secs,
            tokens: Mutex::new(HashMap::new()),
            nonces: Default::default(),
            dir,
        })
    }

    /// A token for the asked scopes, if the client and secret match and every scope exists.
    pub fn issue(
        &self,
        client_id: &str,
        secret: &str,
        scope: &str,
    ) -> Result<(String, Vec<String>), &'static str> {
        if client_id != self.client_id || secret != self.client_secret {
            return Err("invalid client credentials");
        }
        let scopes: Vec<String> = scope.split_whitespace().map(String::from).collect();
        if scopes.is_empty() || !scopes.iter().all(|s| SCOPES.contains(&s.as_str())) {
            return Err("unknown scope");
        }
        let token = format!("upvest-at-{}", random_hex());
        let expires = jiff::Timestamp::now().as_second() + self.token_ttl_secs;
        self.tokens
            .lock()
            .expect("tokens")
            .insert(token.clone(), (expires, scopes.clone()));
        Ok((token, scopes))
    }

    /// The scopes of a valid, unexpired token.
    pub fn scopes(&self, token: &str) -> Option<Vec<String>> {
        let now = jiff::Timestamp::now().as_second();
        let tokens = self.tokens.lock().expect("tokens");
        tokens
            .get(token)
            .filter(|(exp, _)| *exp > now)
            .map(|(_, s)| s.clone())
    }

    /// Whether this nonce is new; nonces are forgotten once their signatures are too old to
    /// be accepted anyway, so the set does not grow without end.
    pub fn first_use(&self, nonce: &str) -> bool {
        let now = jiff::Timestamp::now().as_second();
        let mut guard = self.nonces.lock().expect("nonces");
        let (seen, order) = &mut *guard;
        // Arrival times only grow: the expired ones are at the front.
        while order
            .front()
            .is_some_and(|(at, _)| *at < now - signature::MAX_AGE_SECS - signature::MAX_SKEW_SECS)
        {
            if let Some((_, old)) = order.pop_front() {
                seen.remove(&old);
            }
        }
        let new = seen.insert(nonce.to_string());
        if new {
            order.push_back((now, nonce.to_string()));
        }
        new
    }
}

fn write_private(path: &std::path::Path, pem: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    o.open(path)?.write_all(pem.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::pkcs8::DecodePrivateKey as _;

    #[test]
    fn the_shipped_upvest_key_pairs_match() {
        let ed = ed25519_dalek::SigningKey::from_pkcs8_pem(ED25519_PEM).unwrap();
        let PublicKey::Ed25519(public_ed) = public(ED25519_PUBLIC_PEM) else {
            panic!("the Ed25519 public key reads as another algorithm")
        };
        assert_eq!(ed.verifying_key(), public_ed);
        let p521 = p521::ecdsa::SigningKey::from_pkcs8_pem(P521_PEM).unwrap();
        let PublicKey::P521(public_p521) = public(P521_PUBLIC_PEM) else {
            panic!("the P-521 public key reads as another algorithm")
        };
        assert_eq!(p521.verifying_key(), public_p521.as_ref());
    }
}
