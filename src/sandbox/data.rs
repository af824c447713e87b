//! Deterministic fake data for the sandbox.
//!
//! A [`World`] holds only what lookups and ordering need (ids, names, CPR numbers, who
//! administers what); every other fact about a person or organization is generated on demand
//! from `(seed, index)`. The same seed gives the same people, byte for byte, and 100,000 people
//! cost a few megabytes.
//!
//! All people here are invented: names are drawn at random from common name lists, numbers,
//! addresses and IP addresses (documentation ranges) are random.

use jiff::{Timestamp, ToSpan, civil::Date};
use std::collections::HashMap;
use uuid::Uuid;

/// Every generated time lies before this instant, so data never depends on today's date.
pub const EPOCH: Timestamp = Timestamp::constant(1_793_491_200, 0); // 2026-11-01T00:00:00Z

pub const DEFAULT_SEED: u64 = 20_261_101;
pub const DEFAULT_PEOPLE: usize = 2_000;

pub const PHOTO_ID_PNG: &[u8] = include_bytes!("../../assets/sample-photo-id.png");
pub const SOCIAL_SECURITY_CARD_PNG: &[u8] =
    include_bytes!("../../assets/sample-social-security-card.png");

pub(super) const FIRST_NAMES: &[&str] = &[
    "Anne",
    "Mette",
    "Kirsten",
    "Hanne",
    "Helle",
    "Susanne",
    "Lene",
    "Maria",
    "Marianne",
    "Inge",
    "Karen",
    "Pia",
    "Louise",
    "Camilla",
    "Sofie",
    "Ida",
    "Emma",
    "Freja",
    "Clara",
    "Laura",
    "Peter",
    "Michael",
    "Lars",
    "Jens",
    "Thomas",
    "Henrik",
    "Søren",
    "Christian",
    "Martin",
    "Niels",
    "Anders",
    "Morten",
    "Jan",
    "Rasmus",
    "Mads",
    "Frederik",
    "Oliver",
    "William",
    "Emil",
    "Noah",
    "Magnus",
    "Aksel",
    "Viggo",
    "Asger",
    "Bodil",
    "Ejnar",
    "Gudrun",
    "Holger",
];
pub(super) const LAST_NAMES: &[&str] = &[
    "Nielsen",
    "Jensen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Christiansen",
    "Poulsen",
    "Johansen",
    "Møller",
    "Mortensen",
    "Knudsen",
    "Jakobsen",
    "Mikkelsen",
    "Olesen",
    "Frederiksen",
    "Laursen",
    "Henriksen",
    "Lund",
    "Schmidt",
    "Eriksen",
    "Holm",
    "Kristiansen",
    "Clausen",
    "Simonsen",
    "Svendsen",
    "Andreasen",
    "Iversen",
    "Østergaard",
    "Jeppesen",
    "Vestergaard",
    "Nissen",
    "Lauridsen",
    "Kjær",
    "Jespersen",
    "Mogensen",
    "Skov",
];
const STREETS: &[&str] = &[
    "Nørregade",
    "Vestergade",
    "Østergade",
    "Søndergade",
    "Algade",
    "Kirkevej",
    "Skolevej",
    "Bakkevej",
    "Engvej",
    "Møllevej",
    "Strandvejen",
    "Parkvej",
    "Skovvej",
    "Birkevej",
    "Havnegade",
];
const CITIES: &[(&str, &str, &str)] = &[
    ("1050", "København K", "55.68,12.58"),
    ("8000", "Aarhus C", "56.16,10.20"),
    ("5000", "Odense C", "55.40,10.39"),
    ("9000", "Aalborg", "57.05,9.92"),
    ("6700", "Esbjerg", "55.48,8.45"),
    ("8900", "Randers C", "56.46,10.04"),
    ("6000", "Kolding", "55.49,9.47"),
    ("8700", "Horsens", "55.86,9.85"),
    ("7100", "Vejle", "55.71,9.54"),
    ("4000", "Roskilde", "55.64,12.08"),
];
/// (alpha2, English name, a place there with coordinates) for foreign facts.
const COUNTRIES: &[(&str, &str, &str)] = &[
    ("SE", "Sweden", "59.33,18.07"),
    ("NO", "Norway", "59.91,10.75"),
    ("DE", "Germany", "52.52,13.40"),
    ("PL", "Poland", "52.23,21.01"),
    ("GB", "United Kingdom", "51.51,-0.13"),
    ("US", "United States", "40.71,-74.01"),
    ("NL", "Netherlands", "52.37,4.90"),
];
pub(super) const ORG_WORDS: &[&str] = &[
    "Nordhavn",
    "Vesterbro",
    "Fjordens",
    "Skovbrynets",
    "Engens",
    "Havnens",
    "Bakkens",
    "Strandens",
    "Åens",
    "Lyngens",
    "Kystens",
    "Byens",
    "Egnens",
    "Søens",
    "Markens",
];
const ORG_KINDS: &[&str] = &[
    "Roklub",
    "Boldklub",
    "Grundejerforening",
    "Andelsboligforening",
    "Spejdergruppe",
    "Sejlklub",
    "Musikforening",
    "Idrætsforening",
    "Skakklub",
    "Haveforening",
    "Borgerforening",
];
const BOARD_ROLES: &[&str] = &["CHAIR_MAN", "CASHIER", "SECRETARY", "BOARD_MEMBER"];
const EXTERNAL_ROLES: &[&str] = &["CEO", "ACCOUNTANT"];
const PHOTO_TYPES: &[(&str, &str)] = &[("Pas", "Passport"), ("Kørekort", "Driving licence")];
const REJECT_REASONS: &[&str] = &[
    "Image is blurred",
    "Document has expired",
    "Name does not match",
    "Part of the document is hidden",
];

/// What stays in memory for one person.
#[derive(Clone)]
pub struct PersonSeed {
    pub id: Uuid,
    pub first: u16,
    pub last: u16,
    pub cpr: [u8; 10],
    pub orgs: Vec<u32>,
}

impl PersonSeed {
    pub fn first_name(&self) -> &'static str {
        FIRST_NAMES[self.first as usize]
    }
    pub fn last_name(&self) -> &'static str {
        LAST_NAMES[self.last as usize]
    }
    /// `DDMMYY-SSSS`, as the Unioo API returns `legalEntity.ssn`.
    pub fn cpr_text(&self) -> String {
        let s: String = self.cpr.iter().map(|d| char::from(b'0' + d)).collect();
        format!("{}-{}", &s[..6], &s[6..])
    }
}

pub struct World {
    pub seed: u64,
    pub people: Vec<PersonSeed>,
    pub org_members: Vec<Vec<u32>>,
    pub employees: Vec<EmployeeRecord>,
    by_id: HashMap<Uuid, u32>,
    by_cpr: HashMap<[u8; 10], Vec<u32>>,
    pub users_by_name: Vec<u32>,
    pub users_by_id: Vec<u32>,
    documents: HashMap<Uuid, (u32, bool)>,
}

/// A stream of random numbers keyed by the world's seed and a purpose.
pub(super) fn rng(seed: u64, stream: u64, index: u64) -> fastrand::Rng {
    // splitmix-style mixing so that neighbouring indices give unrelated streams.
    let mut z = seed
        ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ index.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    fastrand::Rng::with_seed(z ^ (z >> 31))
}

const STREAM_PERSON: u64 = 1;
const STREAM_ORG: u64 = 2;
const STREAM_ADMIN: u64 = 3;
const STREAM_EMPLOYEE: u64 = 4;
const STREAM_DETAIL: u64 = 5;
const STREAM_DOCUMENT_ID: u64 = 6;

fn uuid_from(r: &mut fastrand::Rng) -> Uuid {
    let mut b = [0u8; 16];
    for x in &mut b {
        *x = r.u8(..);
    }
    uuid::Builder::from_random_bytes(b).into_uuid()
}

fn pick<T: Copy>(r: &mut fastrand::Rng, items: &[T]) -> T {
    items[r.usize(..items.len())]
}

/// A random time `min_days..max_days` before `t`, to the second (office hours are not modelled).
fn ago(r: &mut fastrand::Rng, t: Timestamp, min_days: i64, max_days: i64) -> Timestamp {
    let secs = r.i64(min_days * 86_400..max_days * 86_400);
    t.checked_sub(secs.seconds()).unwrap_or(t)
}

/// A random time `min_days..max_days` after `t`.
fn later(r: &mut fastrand::Rng, t: Timestamp, min_days: i64, max_days: i64) -> Timestamp {
    let secs = r.i64(min_days * 86_400..max_days * 86_400);
    t.checked_add(secs.seconds()).unwrap_or(t)
}

/// A valid CPR for a birth date, honouring the century rule for digit 7.
fn cpr_for(r: &mut fastrand::Rng, birth: Date, substitute: bool) -> [u8; 10] {
    let year = birth.year();
    let yy = (year % 100) as u8;
    let digit7 = match year {
        1858..=1899 => r.u8(5..=8),
        1900..=1936 => r.u8(0..=3),
        1937..=1999 => pick(r, &[0, 1, 2, 3, 4, 9]),
        2000..=2036 => pick(r, &[4, 9, 5, 6, 7, 8]),
        _ => r.u8(5..=8),
    };
    let day = birth.day() as u8 + if substitute { 60 } else { 0 };
    let month = birth.month() as u8;
    [
        day / 10,
        day % 10,
        month / 10,
        month % 10,
        yy / 10,
        yy % 10,
        digit7,
        r.u8(0..=9),
        r.u8(0..=9),
        r.u8(0..=9),
    ]
}

fn birth_date(r: &mut fastrand::Rng) -> Date {
    // Mostly adults born 1935-2006; a few in the 1800s (historic records) and the 2000s.
    let year: i16 = match r.u8(0..100) {
        0 => r.i16(1858..=1899),
        1..=3 => r.i16(1900..=1934),
        4..=89 => r.i16(1935..=1999),
        _ => r.i16(2000..=2008),
    };
    let month = r.i8(1..=12);
    let day = r.i8(1..=28);
    Date::new(year, month, day).expect("day 1-28 exists in every month")
}

impl World {
    pub fn generate(seed: u64, people: usize) -> World {
        let n_orgs = (people / 3).max(1);
        let mut seeds = Vec::with_capacity(people);
        let mut by_cpr: HashMap<[u8; 10], Vec<u32>> = HashMap::with_capacity(people);
        let mut by_id = HashMap::with_capacity(people);
        let mut org_members = vec![Vec::new(); n_orgs];
        for i in 0..people {
            let mut r = rng(seed, STREAM_PERSON, i as u64);
            let id = uuid_from(&mut r);
            let first = r.u16(..FIRST_NAMES.len() as u16);
            let last = r.u16(..LAST_NAMES.len() as u16);
            // Re-draw until the number is unused, so a CPR search finds one person.
            let cpr = loop {
                let substitute = r.u8(0..100) == 0;
                let born = birth_date(&mut r);
                let c = cpr_for(&mut r, born, substitute);
                if !by_cpr.contains_key(&c) {
                    break c;
                }
            };
            let n = 1 + usize::from(r.u8(0..10) >= 6) + usize::from(r.u8(0..10) >= 8);
            let mut orgs: Vec<u32> = Vec::with_capacity(n);
            // Everyone administers the organization their index falls in, so every org has people.
            orgs.push((i % n_orgs) as u32);
            while orgs.len() < n {
                let o = r.u32(..n_orgs as u32);
                if !orgs.contains(&o) {
                    orgs.push(o);
                } else if n_orgs < 3 {
                    break;
                }
            }
            for &o in &orgs {
                org_members[o as usize].push(i as u32);
            }
            by_cpr.entry(cpr).or_default().push(i as u32);
            by_id.insert(id, i as u32);
            seeds.push(PersonSeed {
                id,
                first,
                last,
                cpr,
                orgs,
            });
        }
        let employees: Vec<EmployeeRecord> = (0..(people / 20).max(25))
            .map(|i| EmployeeRecord::generate(seed, i))
            .collect();
        let mut users_by_name: Vec<u32> = (0..people as u32).collect();
        users_by_name.sort_by_key(|&i| {
            let p = &seeds[i as usize];
            (p.last_name(), p.first_name(), p.id)
        });
        let mut users_by_id: Vec<u32> = (0..people as u32).collect();
        users_by_id.sort_by_key(|&i| seeds[i as usize].id);

        let mut world = World {
            seed,
            documents: HashMap::new(),
            people: seeds,
            org_members,
            employees,
            by_id,
            by_cpr,
            users_by_name,
            users_by_id,
        };
        world.documents = (0..people as u32)
            .flat_map(|i| [(i, true), (i, false)])
            .map(|(i, photo)| (world.document_id(i, photo), (i, photo)))
            .collect();
        world
    }

    /// The id a person's document of that kind has (whether or not one was submitted).
    pub fn document_id(&self, person: u32, photo: bool) -> Uuid {
        let mut r = rng(
            self.seed,
            STREAM_DOCUMENT_ID,
            u64::from(person) * 2 + u64::from(photo),
        );
        uuid_from(&mut r)
    }

    /// The person and kind (photo or not) of a document id.
    pub fn document_owner(&self, id: &Uuid) -> Option<(u32, bool)> {
        self.documents.get(id).copied()
    }

    pub fn index_of(&self, id: &Uuid) -> Option<u32> {
        self.by_id.get(id).copied()
    }

    /// People whose CPR is `digits` (ten ASCII digits, no dash).
    pub fn by_cpr(&self, digits: &[u8; 10]) -> &[u32] {
        self.by_cpr.get(digits).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn person(&self, idx: u32) -> PersonRecord {
        PersonRecord::generate(self, idx)
    }

    pub fn organization(&self, org: u32) -> OrgRecord {
        OrgRecord::generate(self.seed, org)
    }

    /// The administrator record linking `person` to `org`; the same from either side.
    pub fn administrator(&self, person: u32, org: u32) -> AdminRecord {
        AdminRecord::generate(self.seed, person, org)
    }
}

#[derive(Clone)]
pub struct AddressRecord {
    pub street: &'static str,
    pub house: String,
    pub postal_code: &'static str,
    pub city: &'static str,
}

#[derive(Clone)]
pub struct CountryRecord {
    pub alpha2: &'static str,
    pub name: &'static str,
}

const DENMARK: CountryRecord = CountryRecord {
    alpha2: "DK",
    name: "Denmark",
};

#[derive(Clone)]
pub struct VerificationRecord {
    pub id: Uuid,
    pub mitid: bool,
    pub level: &'static str,
    pub identified_at: Timestamp,
    pub risk: Option<RiskRecord>,
}

#[derive(Clone)]
pub struct RiskRecord {
    pub id: Uuid,
    pub device_id: String,
    pub registered_at: Timestamp,
    pub previous_authentication: Timestamp,
    pub failed_attempts: i32,
    pub client_geo: String,
    pub client_ip: String,
    pub app_geo: String,
    pub app_ip: String,
    pub file_name: String,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum DocState {
    Pending,
    Approved,
    Rejected,
    Expired,
}

impl DocState {
    /// The API's enum value.
    pub fn api_name(self) -> &'static str {
        match self {
            DocState::Pending => "PENDING",
            DocState::Approved => "APPROVED",
            DocState::Rejected => "REJECTED",
            DocState::Expired => "EXPIRED",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct DocumentRecord {
    pub id: Uuid,
    /// Bumped by every decision; a decision must name the version it saw.
    pub version: i32,
    pub state: DocState,
    pub rejected_reason: Option<String>,
    pub created: Timestamp,
    pub decided: Option<Timestamp>,
    pub expires: Option<Timestamp>,
    /// (da, en) type names; photo legitimations only.
    pub type_names: Option<(Uuid, &'static str, &'static str)>,
    pub file_name: String,
}

/// Everything about one person, generated on demand.
pub struct PersonRecord {
    pub idx: u32,
    pub id: Uuid,
    pub first_name: &'static str,
    pub last_name: &'static str,
    pub email: String,
    pub phone: String,
    pub exempt_from_digital_signatures: bool,
    pub marketing_consent: bool,
    pub address: AddressRecord,
    pub legal_entity_id: Uuid,
    pub ssn: String,
    pub birth_city: &'static str,
    pub birth_country: CountryRecord,
    pub eid_verified: bool,
    pub citizenships: Vec<(CountryRecord, Option<String>)>,
    pub tax_residencies: Vec<(CountryRecord, String)>,
    pub pep: (&'static str, Option<&'static str>),
    pub verifications: Vec<VerificationRecord>,
    pub photo: Option<DocumentRecord>,
    pub social_security_card: Option<DocumentRecord>,
    pub orgs: Vec<u32>,
}

impl PersonRecord {
    fn generate(world: &World, idx: u32) -> PersonRecord {
        let seed = &world.people[idx as usize];
        let mut r = rng(world.seed, STREAM_DETAIL, u64::from(idx));
        let first_name = seed.first_name();
        let last_name = seed.last_name();
        let email = format!(
            "{}.{}{}@example.{}",
            ascii_fold(first_name),
            ascii_fold(last_name),
            idx,
            pick(&mut r, &["com", "org", "net"])
        );
        let phone = format!("+45 {:08}", r.u32(20_000_000..99_999_999));
        let (postal_code, city, _) = pick(&mut r, CITIES);
        let address = AddressRecord {
            street: pick(&mut r, STREETS),
            house: format!("{}{}", r.u16(1..200), pick(&mut r, &["", "", "", "A", "B"])),
            postal_code,
            city,
        };
        let foreign = r.u8(0..100) < 12;
        let other = COUNTRIES[r.usize(..COUNTRIES.len())];
        let other = CountryRecord {
            alpha2: other.0,
            name: other.1,
        };
        let ssn = seed.cpr_text();
        let mut citizenships = vec![(DENMARK, Some(ssn.clone()))];
        let mut tax_residencies = vec![(DENMARK, ssn.replace('-', ""))];
        if foreign {
            let foreign_id = format!("{}{:09}", other.alpha2, r.u32(..1_000_000_000));
            citizenships.push((other.clone(), Some(foreign_id.clone())));
            if r.bool() {
                tax_residencies.push((other.clone(), foreign_id));
            }
        }
        let pep = match r.u8(0..100) {
            0..=2 => ("YES", Some("Member of a municipal council")),
            3..=4 => ("FAMILY_MEMBER", Some("Spouse of a member of parliament")),
            5..=6 => (
                "CLOSE_ASSOCIATE",
                Some("Business partner of a ministry official"),
            ),
            _ => ("NO", None),
        };
        let verifications = verifications(&mut r, foreign);
        let eid_verified = verifications.first().is_some_and(|v| v.mitid);
        let photo = document(&mut r, true, idx, world.document_id(idx, true));
        let social_security_card = document(&mut r, false, idx, world.document_id(idx, false));
        PersonRecord {
            idx,
            id: seed.id,
            first_name,
            last_name,
            email,
            phone,
            exempt_from_digital_signatures: r.u8(0..100) < 5,
            marketing_consent: r.bool(),
            address,
            legal_entity_id: uuid_from(&mut r),
            ssn,
            birth_city: if foreign { "Malmö" } else { city },
            birth_country: if foreign && r.bool() { other } else { DENMARK },
            eid_verified,
            citizenships,
            tax_residencies,
            pep,
            verifications,
            photo,
            social_security_card,
            orgs: seed.orgs.clone(),
        }
    }

    pub fn current_verification(&self) -> Option<&VerificationRecord> {
        self.verifications.first()
    }
}

/// Newest first; the first one is the current verification.
fn verifications(r: &mut fastrand::Rng, foreign: bool) -> Vec<VerificationRecord> {
    let count = match r.u8(0..100) {
        0..=4 => 0,
        5..=59 => 1,
        60..=89 => 2,
        _ => 3,
    };
    let mut at = ago(r, EPOCH, 1, 400);
    let mut out = Vec::with_capacity(count);
    for n in 0..count {
        let mitid = !(n == 0 && r.u8(0..100) < 12);
        let level = if mitid {
            pick(r, &["LOW", "MEDIUM", "HIGH", "HIGH"])
        } else {
            "NONE"
        };
        let risk = mitid.then(|| {
            let (_, _, home) = pick(r, CITIES);
            let roaming = r.u8(0..100) < 10;
            let away = if foreign || roaming {
                pick(r, COUNTRIES).2
            } else {
                home
            };
            let ip = format!("192.0.2.{}", r.u8(1..255));
            let app_ip = if r.u8(0..100) < 12 {
                format!("203.0.113.{}", r.u8(1..255))
            } else {
                ip.clone()
            };
            let fresh = r.u8(0..100) < 8;
            let registered_at = if fresh {
                ago(r, at, 0, 20)
            } else {
                ago(r, at, 60, 3000)
            };
            RiskRecord {
                id: uuid_from(r),
                device_id: format!("dev-{:016x}", r.u64(..)),
                registered_at,
                previous_authentication: ago(r, at, 1, 90),
                failed_attempts: if r.u8(0..100) < 12 { r.i32(1..=6) } else { 0 },
                client_geo: home.to_string(),
                client_ip: ip,
                app_geo: away.to_string(),
                app_ip,
                file_name: format!("mitid-risk-{:08x}.json", r.u32(..)),
            }
        });
        out.push(VerificationRecord {
            id: uuid_from(r),
            mitid,
            level,
            identified_at: at,
            risk,
        });
        at = ago(r, at, 200, 900);
    }
    out
}

fn document(r: &mut fastrand::Rng, photo: bool, idx: u32, id: Uuid) -> Option<DocumentRecord> {
    if r.u8(0..100) < 10 {
        return None;
    }
    let state = match r.u8(0..100) {
        0..=29 => DocState::Pending,
        30..=74 => DocState::Approved,
        75..=89 => DocState::Rejected,
        _ => DocState::Expired,
    };
    let created = ago(r, EPOCH, 1, 1500);
    let decided = (state != DocState::Pending).then(|| created + (r.i64(1..72) * 60).minutes());
    let expires = match state {
        DocState::Expired => Some(ago(r, EPOCH, 1, 300)),
        // A few submissions expire while they wait in the review queue.
        DocState::Pending if photo && r.u8(0..100) < 6 => Some(ago(r, EPOCH, 1, 60)),
        _ if photo => Some(later(r, EPOCH, 30, 3650)),
        _ => None,
    };
    let type_names = photo.then(|| {
        let (da, en) = pick(r, PHOTO_TYPES);
        let mut tr = rng(0, STREAM_DETAIL, u64::from(da == "Pas"));
        (uuid_from(&mut tr), da, en)
    });
    Some(DocumentRecord {
        id,
        version: 1,
        state,
        rejected_reason: (state == DocState::Rejected).then(|| pick(r, REJECT_REASONS).to_string()),
        created,
        decided,
        expires,
        type_names,
        file_name: format!(
            "{}-{idx}.png",
            if photo {
                "photo-id"
            } else {
                "social-security-card"
            }
        ),
    })
}

/// Names in emails use plain ASCII.
fn ascii_fold(s: &str) -> String {
    s.to_lowercase()
        .replace('ø', "oe")
        .replace('æ', "ae")
        .replace('å', "aa")
}

pub struct OrgRecord {
    pub id: Uuid,
    pub name: String,
    pub vat_number: String,
    pub branch: String,
    pub created: Timestamp,
    pub is_ajour: bool,
    pub ajour_date: Timestamp,
    pub accounts: Vec<AccountRecord>,
}

#[derive(Clone)]
pub struct AccountRecord {
    pub name: &'static str,
    pub registration: String,
    pub number: String,
    pub primary: bool,
}

impl OrgRecord {
    fn generate(seed: u64, org: u32) -> OrgRecord {
        let mut r = rng(seed, STREAM_ORG, u64::from(org));
        let name = format!("{} {}", pick(&mut r, ORG_WORDS), pick(&mut r, ORG_KINDS));
        let reg = format!("{:04}", r.u16(1000..9999));
        let accounts = (0..r.usize(1..=2))
            .map(|n| AccountRecord {
                name: if n == 0 { "Driftskonto" } else { "Opsparing" },
                registration: reg.clone(),
                number: format!("{:010}", r.u64(..10_000_000_000)),
                primary: n == 0,
            })
            .collect();
        OrgRecord {
            id: uuid_from(&mut r),
            name,
            vat_number: format!("{:08}", r.u32(10_000_000..99_999_999)),
            branch: format!("{:03}", r.u16(1..40)),
            created: ago(&mut r, EPOCH, 100, 20_000),
            is_ajour: r.u8(0..100) < 85,
            ajour_date: ago(&mut r, EPOCH, 1, 700),
            accounts,
        }
    }
}

pub struct RoleRecord {
    pub role: &'static str,
    pub assigned: Timestamp,
    pub resigned: Option<Timestamp>,
}

pub struct AdminRecord {
    pub id: Uuid,
    pub person: u32,
    pub org: u32,
    pub board_member: bool,
    pub authorized_signatory: bool,
    pub eboks: bool,
    pub roles: Vec<RoleRecord>,
}

impl AdminRecord {
    fn generate(seed: u64, person: u32, org: u32) -> AdminRecord {
        let mut r = rng(
            seed,
            STREAM_ADMIN,
            (u64::from(person) << 32) | u64::from(org),
        );
        let board_member = r.u8(0..100) < 75;
        let pool = if board_member {
            BOARD_ROLES
        } else {
            EXTERNAL_ROLES
        };
        let mut pool = pool.to_vec();
        r.shuffle(&mut pool);
        let mut when = ago(&mut r, EPOCH, 400, 6000);
        let mut roles: Vec<RoleRecord> = Vec::new();
        for role in pool.into_iter().take(r.usize(1..=3)) {
            let assigned = when;
            let resigned =
                Some(later(&mut r, assigned, 30, 700)).filter(|t| *t < EPOCH && r.u8(0..100) < 30);
            roles.push(RoleRecord {
                role,
                assigned,
                resigned,
            });
            when = later(&mut r, assigned, 30, 900);
            if when > EPOCH {
                break;
            }
        }
        // The API lists only people with an active membership: keep the newest role active.
        if roles.iter().all(|x| x.resigned.is_some())
            && let Some(last) = roles.last_mut()
        {
            last.resigned = None;
        }
        AdminRecord {
            id: uuid_from(&mut r),
            person,
            org,
            board_member,
            authorized_signatory: board_member && r.u8(0..100) < 40,
            eboks: r.u8(0..100) < 70,
            roles,
        }
    }
}

#[derive(Clone)]
pub struct EmployeeRecord {
    pub id: Uuid,
    pub external_id: String,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub created: Timestamp,
    pub last_login: Option<Timestamp>,
    pub roles: Vec<&'static str>,
}

impl EmployeeRecord {
    fn generate(seed: u64, i: usize) -> EmployeeRecord {
        let mut r = rng(seed, STREAM_EMPLOYEE, i as u64);
        let first_name = pick(&mut r, FIRST_NAMES).to_string();
        let last_name = pick(&mut r, LAST_NAMES).to_string();
        let created = ago(&mut r, EPOCH, 30, 3000);
        let mut roles = Vec::new();
        if r.u8(0..100) < 30 {
            roles.push("CAN_REJECT_BANK_PACKAGES");
        }
        if r.u8(0..100) < 15 {
            roles.push("CAN_EDIT_EMPLOYEES");
        }
        EmployeeRecord {
            id: uuid_from(&mut r),
            external_id: format!("EMP-{:05}", i + 1),
            email: format!(
                "{}.{}@bank.example.com",
                ascii_fold(&first_name),
                ascii_fold(&last_name)
            ),
            first_name,
            last_name,
            created,
            last_login: (r.u8(0..100) < 85).then(|| ago(&mut r, EPOCH, 0, 60)),
            roles,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Cpr;

    #[test]
    fn same_seed_same_people() {
        let a = World::generate(7, 300);
        let b = World::generate(7, 300);
        for i in 0..300 {
            let (pa, pb) = (a.person(i), b.person(i));
            assert_eq!((pa.id, &pa.email, &pa.ssn), (pb.id, &pb.email, &pb.ssn));
        }
        let c = World::generate(8, 300);
        assert_ne!(a.people[0].id, c.people[0].id);
    }

    #[test]
    fn every_cpr_is_valid_unique_and_all_centuries_occur() {
        let w = World::generate(DEFAULT_SEED, 5_000);
        let mut centuries = std::collections::BTreeSet::new();
        let mut substitutes = 0;
        let today = Date::constant(2026, 11, 23);
        for p in &w.people {
            let c = Cpr::parse_on(&p.cpr_text(), today).expect("generated CPR is valid");
            centuries.insert(c.birth_date().year() / 100);
            substitutes += usize::from(c.is_substitute());
            assert_eq!(w.by_cpr(&p.cpr).len(), 1);
        }
        assert_eq!(centuries.into_iter().collect::<Vec<_>>(), vec![18, 19, 20]);
        assert!(substitutes > 0);
    }

    #[test]
    fn data_covers_what_reviewers_need_to_see() {
        let w = World::generate(DEFAULT_SEED, 2_000);
        let people: Vec<PersonRecord> = (0..2_000).map(|i| w.person(i)).collect();
        let states: std::collections::HashSet<_> = people
            .iter()
            .flat_map(|p| [p.photo.as_ref(), p.social_security_card.as_ref()])
            .flatten()
            .map(|d| d.state)
            .collect();
        assert_eq!(states.len(), 4, "documents in every state");
        let risks: Vec<&RiskRecord> = people
            .iter()
            .flat_map(|p| p.verifications.iter().filter_map(|v| v.risk.as_ref()))
            .collect();
        assert!(risks.iter().any(|r| r.failed_attempts > 0));
        assert!(risks.iter().any(|r| r.client_geo != r.app_geo));
        assert!(risks.iter().any(|r| r.client_ip != r.app_ip));
        assert!(
            people
                .iter()
                .any(|p| p.verifications.iter().any(|v| !v.mitid))
        );
        assert!(people.iter().any(|p| p.pep.0 != "NO"));
        let admins: Vec<AdminRecord> = people
            .iter()
            .flat_map(|p| p.orgs.iter().map(|&o| w.administrator(p.idx, o)))
            .collect();
        assert!(admins.iter().any(|a| a.board_member) && admins.iter().any(|a| !a.board_member));
        assert!(admins.iter().any(|a| a.roles.len() > 1));
        assert!(
            admins
                .iter()
                .any(|a| a.roles.iter().any(|r| r.resigned.is_some()))
        );
    }
}
