//! Per-request signing cost of each scheme the clients use. `cargo bench --bench signing`
//! prints criterion's estimates and a median of 1,000 timed runs for each:
//! Upvest Ed25519 and ECDSA P-521 (signature base plus signature, as one request costs),
//! and the sandbox's verification of each; bunq's RSA-2048 PKCS#1 v1.5 body signature and the
//! check of a server signature. Quick mode (`BACKOFFICE_BENCH_QUICK=1` or `--quick`, as CI
//! runs it): 20 timed runs each, and short criterion samples.

#[path = "common/mod.rs"]
mod common;
use backoffice::backends::upvest::signature::{self, SigningKey};
use std::collections::HashMap;
use std::hint::black_box;
use std::time::Instant;

fn headers() -> HashMap<&'static str, String> {
    let body = br#"{"first_name":"Erika","last_name":"Mustermann"}"#;
    HashMap::from([
        ("accept", "application/json".to_string()),
        ("authorization", "Bearer token".to_string()),
        ("content-length", body.len().to_string()),
        ("content-type", "application/json".to_string()),
        ("content-digest", signature::content_digest(body)),
        ("idempotency-key", uuid::Uuid::new_v4().to_string()),
        ("upvest-client-id", uuid::Uuid::new_v4().to_string()),
    ])
}

fn sign_once(key: &SigningKey, h: &HashMap<&'static str, String>) -> (String, String) {
    let get = |n: &str| h.get(n).cloned();
    signature::sign(
        &signature::Request {
            method: "POST",
            path: "/users",
            query: "",
            header: &get,
        },
        key,
        "key-1",
        1_800_000_000,
    )
}

/// Timed runs of each operation.
fn runs() -> usize {
    common::pick(1_000, 20)
}

fn median_micros(mut f: impl FnMut()) -> f64 {
    let mut times: Vec<f64> = (0..runs())
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[times.len() / 2]
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let mut c = common::criterion(100);
    let h = headers();
    for (name, key) in [
        ("ed25519", SigningKey::generate_ed25519()),
        ("p521", SigningKey::generate_p521()),
    ] {
        c.bench_function(&format!("upvest sign {name}"), |b| {
            b.iter(|| black_box(sign_once(&key, &h)))
        });
        let (input, sig) = sign_once(&key, &h);
        let mut signed = h.clone();
        signed.insert("signature-input", input);
        signed.insert("signature", sig);
        let vk = key.verifying_key();
        let verify = || {
            let get = |n: &str| signed.get(n).cloned();
            let r = signature::Request {
                method: "POST",
                path: "/users",
                query: "",
                header: &get,
            };
            let body = br#"{"first_name":"Erika","last_name":"Mustermann"}"#;
            signature::verify(&r, body, |_| Some(vk.clone()), 1_800_000_001, |_| true)
        };
        assert_eq!(verify(), Ok(()));
        println!(
            "upvest {name}: sign median {:.1} µs, verify median {:.1} µs ({} runs)",
            median_micros(|| {
                black_box(sign_once(&key, &h));
            }),
            median_micros(|| {
                black_box(verify()).ok();
            }),
            runs()
        );
    }
    // bunq: RSA-2048 PKCS#1 v1.5 with SHA-256 over the body (a block, as the console sends it).
    use backoffice::backends::bunq::signing as bunq;
    let key = bunq::generate();
    let public = bunq::public_from_pem(&bunq::public_pem(&key)).unwrap();
    let body = br#"{"status":"BLOCKED","sub_status":"NONE"}"#;
    c.bench_function("bunq sign rsa2048", |b| {
        b.iter(|| black_box(bunq::sign(&key, body)))
    });
    let sig = bunq::sign(&key, body);
    assert_eq!(bunq::verify(&public, body, Some(&sig)), Ok(()));
    println!(
        "bunq rsa2048: sign median {:.1} µs, verify median {:.1} µs ({} runs)",
        median_micros(|| {
            black_box(bunq::sign(&key, body));
        }),
        median_micros(|| {
            black_box(bunq::verify(&public, body, Some(&sig))).ok();
        }),
        runs()
    );
    c.final_summary();
}
