//! What a bunq client keeps between runs: its RSA key, the installation (token and the
//! server's public key), the device, and the open session. One JSON file, mode 0600, in the
//! state directory; secrets never leave it.

use serde::{Deserialize, Serialize};
use std::path::Path;

#[derive(Default, Serialize, Deserialize)]
pub struct Saved {
    /// The API these belong to, and a hash of the API key: either changing starts over.
    pub api: String,
    pub key_hash: String,
    pub private_key_pem: Option<String>,
    pub installation: Option<InstallationState>,
    pub device_id: Option<u64>,
    pub session: Option<SessionState>,
}

#[derive(Clone, Serialize, Deserialize)]
pub struct InstallationState {
    pub id: u64,
    pub token: String,
    pub server_public_key: String,
}

#[derive(Clone, Serialize, Deserialize)]
pub struct SessionState {
    pub id: u64,
    pub token: String,
    pub user_id: u64,
    /// Unix seconds; the session is reopened a little before.
    pub expires_at: i64,
}

pub fn key_hash(api_key: &str) -> String {
    crate::audit::sha256_hex(api_key.as_bytes())
}

impl Saved {
    /// The saved state for this API and key, or a fresh one.
    pub fn load(path: Option<&Path>, api: &str, key_hash: &str) -> Saved {
        let loaded = path
            .and_then(read_small)
            .and_then(|b| serde_json::from_slice::<Saved>(&b).ok())
            .filter(|s| s.api == api && s.key_hash == key_hash);
        loaded.unwrap_or_else(|| Saved {
            api: api.to_string(),
            key_hash: key_hash.to_string(),
            ..Default::default()
        })
    }

    /// Writes a new 0600 file beside the old one (in a directory created 0700), then renames
    /// it over it: a symlink there is replaced, never followed.
    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            crate::files::private_dir(dir)?;
        }
        crate::files::replace_bytes(
            path,
            &serde_json::to_vec_pretty(self).expect("state serialises"),
        )
    }
}

/// The saved state's bytes: a regular file of at most 1 MiB (it holds a key and two tokens),
/// else nothing (a fresh installation is made).
fn read_small(path: &Path) -> Option<Vec<u8>> {
    use std::io::Read;
    const MAX: u64 = 1 << 20;
    let f = std::fs::File::open(path).ok()?;
    if !f.metadata().ok()?.is_file() {
        return None;
    }
    let mut bytes = Vec::new();
    f.take(MAX + 1).read_to_end(&mut bytes).ok()?;
    (bytes.len() as u64 <= MAX).then_some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_is_saved_0600_and_kept_only_for_the_same_api_and_key() {
        let dir = std::env::temp_dir().join(format!("bunq-state-{}", uuid::Uuid::new_v4()));
        let path = dir.join("bunq.json");
        let mut s = Saved::load(Some(&path), "http://a/v1", &key_hash("k1"));
        s.device_id = Some(9);
        s.save(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
            let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o700, "the directory it made");
        }
        assert_eq!(
            Saved::load(Some(&path), "http://a/v1", &key_hash("k1")).device_id,
            Some(9)
        );
        assert_eq!(
            Saved::load(Some(&path), "http://a/v1", &key_hash("k2")).device_id,
            None
        );
        assert_eq!(
            Saved::load(Some(&path), "http://b/v1", &key_hash("k1")).device_id,
            None
        );
        std::fs::remove_dir_all(dir).unwrap();
    }
}
