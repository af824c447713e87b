//! What the person view states about a person, once: the pane draws these facts and
//! `:export` writes them, so the file holds every fact the screen shows (masked as shown).

use crate::app::columns::Tone;
use crate::core::*;
use crate::format;

/// One line of the person view: a label, its value, how it is coloured, and a warning
/// beside it when the value is a risk.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    pub label: &'static str,
    pub value: String,
    pub tone: Tone,
    pub flag: Option<String>,
}

fn fact(label: &'static str, value: impl Into<String>) -> Fact {
    Fact {
        label,
        value: value.into(),
        tone: Tone::Normal,
        flag: None,
    }
}

fn toned(label: &'static str, value: impl Into<String>, tone: Tone) -> Fact {
    Fact {
        tone,
        ..fact(label, value)
    }
}

fn flagged(label: &'static str, value: impl Into<String>, flag: Option<&str>) -> Fact {
    Fact {
        flag: flag.map(str::to_string),
        ..fact(label, value)
    }
}

pub fn country(c: &Option<Country>) -> String {
    c.as_ref()
        .map(|c| format!("{} ({})", c.name, c.alpha2))
        .unwrap_or_else(|| "—".into())
}

/// The Overview and KYC tab. The CPR masked unless `revealed` (an audited reveal).
pub fn overview(p: &Person, revealed: bool) -> Vec<Fact> {
    let le = p.legal_entity.as_ref();
    let ssn = match p.ssn() {
        Some(Ssn::Danish(c)) if revealed => format!("{}  (revealed; audited)", c.reveal()),
        Some(s) => s.to_string(),
        None => "—".into(),
    };
    let born = match p.ssn() {
        Some(Ssn::Danish(c)) => c.birth_date().to_string(),
        _ => "—".into(),
    };
    let place = le
        .map(|l| {
            format!(
                "{}, {}",
                format::or_dash(l.place_of_birth.as_deref()),
                country(&l.country_of_birth)
            )
        })
        .unwrap_or_else(|| "—".into());
    let address = p
        .address
        .as_ref()
        .map(|a| {
            format!(
                "{} {}, {} {}, {}",
                a.street,
                a.house,
                a.postal_code,
                a.city,
                country(&a.country)
            )
        })
        .unwrap_or_else(|| "—".into());
    let citizenships = le
        .map(|l| {
            l.citizenships
                .iter()
                .map(|c| match &c.ssn {
                    Some(s) => format!("{} [{s}]", country(&c.country)),
                    None => country(&c.country),
                })
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default();
    let taxes = le
        .map(|l| {
            l.tax_residencies
                .iter()
                .map(|r| {
                    format!(
                        "{} TIN {}",
                        country(&r.country),
                        r.tin.as_ref().map(|s| s.to_string()).unwrap_or("—".into())
                    )
                })
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default();
    let pep = match &p.pep {
        Some(pep) if pep.is_exposed() => toned(
            "Politically exposed",
            format!(
                "{} — {}",
                format::or_dash(pep.response.as_deref()),
                format::or_dash(pep.reason.as_deref())
            ),
            Tone::Danger,
        ),
        Some(pep) => fact(
            "Politically exposed",
            format::or_dash(pep.response.as_deref()),
        ),
        None => fact("Politically exposed", "not answered"),
    };
    let eid = le.and_then(|l| l.eid_verified);
    vec![
        fact(
            "Legal name",
            format::or_dash(le.and_then(|l| l.legal_name.as_deref())),
        ),
        fact("CPR", ssn),
        fact("Born", format!("{born} in {place}")),
        fact("Email", format::or_dash(p.email.as_deref())),
        fact("Phone", format::or_dash(p.phone.as_deref())),
        fact("Address", address),
        fact("Citizenships", citizenships),
        fact("Tax residencies", taxes),
        pep,
        toned(
            "e-ID verified",
            format::yes_no(eid),
            if eid == Some(true) {
                Tone::Ok
            } else {
                Tone::Warn
            },
        ),
        fact(
            "Exempt from digital sig.",
            format::yes_no(p.exempt_from_digital_signatures),
        ),
    ]
}

/// The Identity tab's current verification and its MitID risk data; empty without one.
pub fn identity(p: &Person) -> Vec<Fact> {
    let mut lines = Vec::new();
    let Some(le) = &p.legal_entity else {
        return lines;
    };
    match &le.current_verification {
        None => lines.push(toned("Current verification", "none", Tone::Warn)),
        Some(v) => {
            lines.push(fact("Current verification", describe(v)));
            if let Some(r) = &v.risk {
                let flags = r.flags(v.identified_at);
                let has = |f: RiskFlag| flags.contains(&f).then_some(f.label());
                lines.push(fact("Device", format::or_dash(r.device_id.as_deref())));
                let fresh = has(RiskFlag::RecentRegistration).map(|_| {
                    let secs = match (r.registered_at, v.identified_at) {
                        (Some(reg), Some(at)) => at.duration_since(reg).as_secs().max(0),
                        _ => 0,
                    };
                    format!("{} before use", format::duration_words(secs as u64))
                });
                lines.push(flagged(
                    "MitID registered",
                    format::datetime(r.registered_at),
                    fresh.as_deref(),
                ));
                lines.push(fact(
                    "Previous authentication",
                    format::datetime(r.previous_authentication),
                ));
                lines.push(flagged(
                    "Failed attempts",
                    r.failed_attempts
                        .map(|n| n.to_string())
                        .unwrap_or("—".into()),
                    has(RiskFlag::FailedAttempts).map(|_| "before this login"),
                ));
                let place = |geo: &Option<String>, ip: &Option<String>| {
                    format!(
                        "{} / {}",
                        format::or_dash(geo.as_deref()),
                        format::or_dash(ip.as_deref())
                    )
                };
                lines.push(fact(
                    "Client location / IP",
                    place(&r.client_geo, &r.client_ip),
                ));
                let mismatch = match (has(RiskFlag::GeoMismatch), has(RiskFlag::IpMismatch)) {
                    (Some(_), Some(_)) => Some("location and IP differ"),
                    (Some(_), None) => Some("location differs"),
                    (None, Some(_)) => Some("IP differs"),
                    (None, None) => None,
                };
                lines.push(flagged(
                    "App location / IP",
                    place(&r.app_geo, &r.app_ip),
                    mismatch,
                ));
                if flags.is_empty() {
                    lines.push(toned("Risk", "no risky facts", Tone::Ok));
                }
            } else if v.scheme == IdentityScheme::MitId {
                lines.push(fact("Risk data", "none recorded"));
            }
        }
    }
    lines
}

fn scheme(s: IdentityScheme) -> &'static str {
    match s {
        IdentityScheme::MitId => "MitID",
        IdentityScheme::Manual => "Manual",
        IdentityScheme::Unknown => "Unknown",
    }
}

/// One verification as the Identity tab names it.
pub fn describe(v: &Verification) -> String {
    format!(
        "{} · level {} · {}",
        scheme(v.scheme),
        v.level.as_deref().unwrap_or("—"),
        format::datetime(v.identified_at)
    )
}

/// The Roles tab, one line an organization: what it is, as what, which roles.
pub fn roles(p: &Person) -> Vec<Fact> {
    p.administrators
        .iter()
        .map(|a| {
            let org = a.organization.as_ref();
            let roles = a
                .roles
                .iter()
                .map(|r| match r.resigned {
                    Some(_) => format!("{} (resigned {})", r.label(), format::date(r.resigned)),
                    None => format!("{} (since {})", r.label(), format::date(r.assigned)),
                })
                .collect::<Vec<_>>()
                .join(", ");
            fact(
                "Administers",
                format!(
                    "{} · CVR {} · {} · {} · signatory {} · e-Boks {}",
                    org.map(|o| o.name.clone()).unwrap_or_default(),
                    format::or_dash(org.and_then(|o| o.vat_number.as_deref())),
                    a.kind.label(),
                    roles,
                    format::yes_no(a.authorized_signatory),
                    format::yes_no(a.eboks_allowed)
                ),
            )
        })
        .collect()
}

/// The Identity tab's history, one line a verification with its risk flags.
pub fn verifications(p: &Person) -> Vec<Fact> {
    let Some(le) = &p.legal_entity else {
        return Vec::new();
    };
    le.verifications
        .iter()
        .map(|v| {
            let flags = v
                .risk
                .as_ref()
                .map(|r| r.flags(v.identified_at))
                .unwrap_or_default();
            let labels: Vec<&str> = flags.iter().map(|f| f.label()).collect();
            fact(
                "Verification",
                format!(
                    "{} · risk: {}",
                    describe(v),
                    if labels.is_empty() {
                        "none".to_string()
                    } else {
                        labels.join(", ")
                    }
                ),
            )
        })
        .collect()
}

/// The Documents tab, one line a document.
pub fn documents(p: &Person) -> Vec<Fact> {
    p.photo_legitimation
        .iter()
        .chain(p.social_security_card.iter())
        .map(|d| {
            fact(
                match d.kind {
                    DocumentKind::PhotoLegitimation => "Photo ID",
                    DocumentKind::SocialSecurityCard => "Social security card",
                },
                format!(
                    "{} · created {} · decided {} · expires {}{}",
                    d.state.label(),
                    format::datetime(d.created),
                    format::datetime(d.decided),
                    format::datetime(d.expires),
                    d.rejected_reason
                        .as_ref()
                        .map(|r| format!(" · rejected: {r}"))
                        .unwrap_or_default()
                ),
            )
        })
        .collect()
}
