//! People on the Unioo Bank API: users (administrators of organizations) with their KYC,
//! identity verifications and legitimation documents.

use super::Cpr;
use jiff::Timestamp;
use uuid::Uuid;

/// One row of a people list or search result: what a list shows, nothing more.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonSummary {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    /// Organizations administered, when the query selected them.
    pub organizations: Vec<String>,
}

impl PersonSummary {
    pub fn full_name(&self) -> String {
        full_name(&self.first_name, &self.last_name)
    }
}

pub fn full_name(first: &str, last: &str) -> String {
    match (first.is_empty(), last.is_empty()) {
        (true, true) => "(no name)".into(),
        (false, true) => first.into(),
        (true, false) => last.into(),
        (false, false) => format!("{first} {last}"),
    }
}

/// Everything the person view shows, except document bytes (fetched when a document is opened).
#[derive(Debug, Clone, PartialEq)]
pub struct Person {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub exempt_from_digital_signatures: Option<bool>,
    pub address: Option<Address>,
    pub legal_entity: Option<LegalEntity>,
    pub pep: Option<Pep>,
    pub administrators: Vec<Administrator>,
    pub photo_legitimation: Option<Legitimation>,
    pub social_security_card: Option<Legitimation>,
}

impl Person {
    pub fn full_name(&self) -> String {
        full_name(&self.first_name, &self.last_name)
    }

    pub fn ssn(&self) -> Option<&Ssn> {
        self.legal_entity.as_ref()?.ssn.as_ref()
    }

    /// The SSN as shown: a CPR masked (`DDMMYY-****`), another number masked its own way.
    pub fn masked_ssn(&self) -> Option<String> {
        self.ssn().map(|s| s.to_string())
    }

    /// The organizations the person administers, by name.
    pub fn organization_names(&self) -> Vec<String> {
        self.administrators
            .iter()
            .filter_map(|a| a.organization.as_ref().map(|o| o.name.clone()))
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Address {
    pub street: String,
    pub house: String,
    pub postal_code: String,
    pub city: String,
    pub country: Option<Country>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Country {
    pub alpha2: String,
    pub name: String,
}

/// An SSN as the backend returned it. Danish numbers become a masked [`Cpr`]; anything else is
/// kept only in a masked form, so no code path can print it whole.
#[derive(Debug, Clone, PartialEq)]
pub enum Ssn {
    Danish(Cpr),
    Other { masked: String },
}

impl Ssn {
    pub fn from_wire(raw: &str) -> Ssn {
        match Cpr::parse_recorded(raw) {
            Ok(c) => Ssn::Danish(c),
            Err(_) => Ssn::Other {
                masked: mask_identifier(raw),
            },
        }
    }
}

impl std::fmt::Display for Ssn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Ssn::Danish(c) => write!(f, "{c}"),
            Ssn::Other { masked } => f.write_str(masked),
        }
    }
}

/// `a***@example.com`: enough to recognise, not to reuse.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!(
                "{first}{}@{domain}",
                "*".repeat(local.chars().count().saturating_sub(1).max(3))
            )
        }
        None => mask_identifier(email),
    }
}

/// Keeps the first third of an identifier (at most 4 characters) and masks the rest.
pub fn mask_identifier(raw: &str) -> String {
    let chars: Vec<char> = raw.trim().chars().collect();
    let keep = (chars.len() / 3).min(4);
    let mut s: String = chars[..keep].iter().collect();
    s.push_str(&"*".repeat(chars.len() - keep));
    s
}

#[derive(Debug, Clone, PartialEq)]
pub struct LegalEntity {
    pub id: Uuid,
    pub ssn: Option<Ssn>,
    pub legal_name: Option<String>,
    pub place_of_birth: Option<String>,
    pub country_of_birth: Option<Country>,
    pub eid_verified: Option<bool>,
    pub citizenships: Vec<Citizenship>,
    pub tax_residencies: Vec<TaxResidency>,
    pub current_verification: Option<Verification>,
    pub verifications: Vec<Verification>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Citizenship {
    pub country: Option<Country>,
    pub ssn: Option<Ssn>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TaxResidency {
    pub country: Option<Country>,
    /// Tax ids are personal numbers (a Danish TIN is the CPR): kept masked.
    pub tin: Option<Ssn>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pep {
    pub response: Option<String>,
    pub reason: Option<String>,
}

impl Pep {
    /// Anything but an explicit "no" needs a second look.
    pub fn is_exposed(&self) -> bool {
        self.response
            .as_deref()
            .is_some_and(|r| !r.eq_ignore_ascii_case("no"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdministratorKind {
    BoardMember,
    ExternalAdministrator,
}

impl AdministratorKind {
    pub fn label(self) -> &'static str {
        match self {
            AdministratorKind::BoardMember => "Board member",
            AdministratorKind::ExternalAdministrator => "External administrator",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Administrator {
    pub id: Uuid,
    pub kind: AdministratorKind,
    pub organization: Option<Organization>,
    pub eboks_allowed: Option<bool>,
    /// Board members only.
    pub authorized_signatory: Option<bool>,
    pub roles: Vec<Role>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Organization {
    pub id: Uuid,
    pub name: String,
    pub vat_number: Option<String>,
    pub bank_relation: Option<BankRelation>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BankRelation {
    pub is_ajour: Option<bool>,
    pub ajour_date: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Role {
    /// The API's enum value, e.g. `CHAIR_MAN`.
    pub code: String,
    pub assigned: Option<Timestamp>,
    pub resigned: Option<Timestamp>,
}

impl Role {
    pub fn is_active(&self) -> bool {
        self.resigned.is_none()
    }

    /// `CHAIR_MAN` -> `Chair man`; short codes are acronyms: `CEO` stays `CEO`.
    pub fn label(&self) -> String {
        if self.code.len() <= 3 {
            return self.code.clone();
        }
        let lower = self.code.replace('_', " ").to_lowercase();
        let mut c = lower.chars();
        match c.next() {
            Some(f) => f.to_uppercase().chain(c).collect(),
            None => String::new(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentityScheme {
    Manual,
    MitId,
    Unknown,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Verification {
    pub id: Uuid,
    pub scheme: IdentityScheme,
    /// NONE, LOW, MEDIUM or HIGH.
    pub level: Option<String>,
    pub identified_at: Option<Timestamp>,
    pub risk: Option<MitIdRisk>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct MitIdRisk {
    pub device_id: Option<String>,
    pub registered_at: Option<Timestamp>,
    pub previous_authentication: Option<Timestamp>,
    pub failed_attempts: Option<i32>,
    pub client_geo: Option<String>,
    pub client_ip: Option<String>,
    pub app_geo: Option<String>,
    pub app_ip: Option<String>,
    pub file_name: Option<String>,
}

/// A fact in the MitID risk data that deserves a compliance officer's attention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RiskFlag {
    FailedAttempts,
    GeoMismatch,
    IpMismatch,
    RecentRegistration,
}

impl RiskFlag {
    pub fn label(self) -> &'static str {
        match self {
            RiskFlag::FailedAttempts => "failed attempts",
            RiskFlag::GeoMismatch => "client and app locations differ",
            RiskFlag::IpMismatch => "client and app IP addresses differ",
            RiskFlag::RecentRegistration => "MitID registered shortly before use",
        }
    }
}

/// A MitID registered this close to the identification it was used for is a fraud signal.
pub const RECENT_REGISTRATION_DAYS: i64 = 30;

impl MitIdRisk {
    /// The risky facts, judged against the time of the identification they belong to, so the
    /// verdict on a past verification never changes with today's date.
    pub fn flags(&self, identified_at: Option<Timestamp>) -> Vec<RiskFlag> {
        let mut flags = Vec::new();
        if self.failed_attempts.unwrap_or(0) > 0 {
            flags.push(RiskFlag::FailedAttempts);
        }
        if differs(&self.client_geo, &self.app_geo) {
            flags.push(RiskFlag::GeoMismatch);
        }
        if differs(&self.client_ip, &self.app_ip) {
            flags.push(RiskFlag::IpMismatch);
        }
        if let (Some(reg), Some(at)) = (self.registered_at, identified_at) {
            let age = at.duration_since(reg);
            if age.as_secs() >= 0 && age.as_secs() < RECENT_REGISTRATION_DAYS * 86_400 {
                flags.push(RiskFlag::RecentRegistration);
            }
        }
        flags
    }
}

fn differs(a: &Option<String>, b: &Option<String>) -> bool {
    matches!((a, b), (Some(a), Some(b)) if a.trim() != b.trim())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DocumentKind {
    PhotoLegitimation,
    SocialSecurityCard,
}

impl DocumentKind {
    pub fn label(self) -> &'static str {
        match self {
            DocumentKind::PhotoLegitimation => "Photo ID",
            DocumentKind::SocialSecurityCard => "Social security card",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LegitimationState {
    Pending,
    Approved,
    Rejected,
    Expired,
    Unknown,
}

impl LegitimationState {
    pub fn label(self) -> &'static str {
        match self {
            LegitimationState::Pending => "Pending",
            LegitimationState::Approved => "Approved",
            LegitimationState::Rejected => "Rejected",
            LegitimationState::Expired => "Expired",
            LegitimationState::Unknown => "Unknown",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Legitimation {
    /// Id and version, when the backend gives them (needed to decide on the document).
    pub id: Option<uuid::Uuid>,
    pub version: Option<i32>,
    pub kind: DocumentKind,
    pub state: LegitimationState,
    pub rejected_reason: Option<String>,
    pub created: Option<Timestamp>,
    pub decided: Option<Timestamp>,
    pub expires: Option<Timestamp>,
    /// (language code, name) pairs, e.g. ("da", "Pas").
    pub type_names: Vec<(String, String)>,
    pub file_name: Option<String>,
    pub file_extension: Option<String>,
}

impl Legitimation {
    /// The document type in the operator's language, falling back to English, then any.
    pub fn type_name(&self, language: &str) -> Option<&str> {
        let find = |lang: &str| {
            self.type_names
                .iter()
                .find(|(l, _)| l.eq_ignore_ascii_case(lang))
                .map(|(_, n)| n.as_str())
        };
        find(language)
            .or_else(|| find("en"))
            .or_else(|| self.type_names.first().map(|(_, n)| n.as_str()))
    }
}

/// Document bytes, fetched only when a document is opened.
#[derive(Clone, PartialEq)]
pub struct DocumentFile {
    pub file_name: String,
    pub extension: String,
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for DocumentFile {
    // Never dump document bytes into a log or panic message.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DocumentFile")
            .field("file_name", &self.file_name)
            .field("extension", &self.extension)
            .field("len", &self.bytes.len())
            .finish()
    }
}

impl DocumentFile {
    /// Width and height when the bytes are a PNG (read from its IHDR chunk).
    pub fn png_size(&self) -> Option<(u32, u32)> {
        let b = &self.bytes;
        if b.len() < 24 || &b[..8] != b"\x89PNG\r\n\x1a\n" || &b[12..16] != b"IHDR" {
            return None;
        }
        let w = u32::from_be_bytes(b[16..20].try_into().ok()?);
        let h = u32::from_be_bytes(b[20..24].try_into().ok()?);
        Some((w, h))
    }
}

/// A bank employee (staff of the caller's bank).
#[derive(Debug, Clone, PartialEq)]
pub struct Employee {
    pub id: Uuid,
    pub external_id: Option<String>,
    pub email: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub created: Option<Timestamp>,
    pub last_login: Option<Timestamp>,
    pub roles: Vec<String>,
}

impl Employee {
    pub fn full_name(&self) -> String {
        full_name(&self.first_name, &self.last_name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_labels_read_as_words() {
        let r = |c: &str| {
            Role {
                code: c.into(),
                assigned: None,
                resigned: None,
            }
            .label()
        };
        assert_eq!(r("CHAIR_MAN"), "Chair man");
        assert_eq!(r("CEO"), "CEO");
        assert_eq!(r("BOARD_MEMBER"), "Board member");
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn risk_flags_name_each_risky_fact() {
        let quiet = MitIdRisk {
            failed_attempts: Some(0),
            client_geo: Some("55.68,12.57".into()),
            app_geo: Some("55.68,12.57".into()),
            client_ip: Some("192.0.2.1".into()),
            app_ip: Some("192.0.2.1".into()),
            registered_at: Some(ts("2020-01-01T00:00:00Z")),
            ..Default::default()
        };
        assert!(quiet.flags(Some(ts("2024-01-01T00:00:00Z"))).is_empty());
        let loud = MitIdRisk {
            failed_attempts: Some(3),
            app_geo: Some("40.71,-74.00".into()),
            app_ip: Some("203.0.113.9".into()),
            registered_at: Some(ts("2023-12-20T00:00:00Z")),
            ..quiet
        };
        assert_eq!(
            loud.flags(Some(ts("2024-01-01T00:00:00Z"))),
            vec![
                RiskFlag::FailedAttempts,
                RiskFlag::GeoMismatch,
                RiskFlag::IpMismatch,
                RiskFlag::RecentRegistration
            ]
        );
    }

    #[test]
    fn emails_are_masked_for_the_audit_trail() {
        assert_eq!(mask_email("nora@bank.example.com"), "n***@bank.example.com");
        assert_eq!(mask_email("ab@x.dk"), "a***@x.dk");
    }

    #[test]
    fn foreign_identifiers_are_masked() {
        assert_eq!(mask_identifier("SE19800101-1234"), "SE19***********");
        assert_eq!(Ssn::from_wire("211062-5629").to_string(), "211062-****");
        assert_eq!(mask_identifier("AB"), "**");
    }

    #[test]
    fn pep_no_is_not_exposed() {
        let p = |r: &str| {
            Pep {
                response: Some(r.into()),
                reason: None,
            }
            .is_exposed()
        };
        assert!(!p("NO"));
        assert!(p("YES"));
        assert!(p("FAMILY_MEMBER"));
    }
}
