//! VASCO platform users, their user groups and accounts: the sandbox's data and its rules.

use jiff::Timestamp;
use jiff::civil::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Persona {
    Customer,
    DistributedCustomer,
}

#[derive(Debug, Clone)]
pub struct Group {
    pub id: u32,
    pub name: String,
    pub persona: Persona,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountKind {
    Individual,
    Corporate,
    Joint,
}

#[derive(Debug, Clone)]
pub struct Account {
    pub id: u32,
    pub kind: AccountKind,
    pub label: String,
    /// TO_COMPLETE, PENDING_REVIEW, PENDING_SIGNATURE, COMPLETED, VALIDATED, REFUSED, Expired.
    pub kyc: &'static str,
    pub kyc_expires: Option<Date>,
    pub kyc_refused_comment: Option<String>,
    /// Owners: one, or two for a joint account.
    pub owners: Vec<u32>,
}

#[derive(Debug, Clone)]
pub struct User {
    pub id: u32,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub mobile: Option<String>,
    pub active: bool,
    /// `None`: pending (registered, awaiting approval).
    pub accepted_at: Option<Timestamp>,
    pub unactive_comment: Option<String>,
    pub group: u32,
    pub locale: &'static str,
    pub last_login: Option<Timestamp>,
}

impl User {
    pub fn state(&self) -> &'static str {
        match (self.accepted_at, self.active) {
            (None, _) => "pending",
            (Some(_), true) => "active",
            (Some(_), false) => "inactive",
        }
    }
}

pub const KYC_CODES: [(&str, &str); 7] = [
    ("TO_COMPLETE", "To complete"),
    ("PENDING_REVIEW", "Pending review"),
    ("PENDING_SIGNATURE", "Pending signature"),
    ("COMPLETED", "Completed"),
    ("VALIDATED", "Validated"),
    ("REFUSED", "Refused"),
    ("Expired", "Expired"),
];

#[derive(Default)]
pub struct Store {
    pub users: Vec<User>,
    pub groups: Vec<Group>,
    pub accounts: Vec<Account>,
}

/// A refusal, worded for the API's `errors`, with its code.
#[derive(Debug, Clone, PartialEq)]
pub struct Refused {
    pub code: &'static str,
    pub message: String,
}

fn refused<T>(code: &'static str, message: impl Into<String>) -> Result<T, Refused> {
    Err(Refused {
        code,
        message: message.into(),
    })
}

pub struct NewUser {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub mobile: Option<String>,
    pub persona: Persona,
    pub locale: Option<&'static str>,
    /// Created active (an admin's own user), else pending.
    pub active: bool,
    pub corporate_name: Option<String>,
}

impl Store {
    pub fn user(&self, id: u32) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    fn user_mut(&mut self, id: u32) -> Result<&mut User, Refused> {
        match self.users.iter_mut().find(|u| u.id == id) {
            Some(u) => Ok(u),
            None => refused("NOT_FOUND", format!("No user has id {id}.")),
        }
    }

    pub fn group(&self, id: u32) -> Option<&Group> {
        self.groups.iter().find(|g| g.id == id)
    }

    pub fn accounts_of(&self, user: u32) -> impl Iterator<Item = &Account> {
        self.accounts
            .iter()
            .filter(move |a| a.owners.contains(&user))
    }

    pub fn create(&mut self, n: NewUser, now: Timestamp) -> Result<User, Refused> {
        for (field, v) in [
            ("firstName", &n.first_name),
            ("lastName", &n.last_name),
            ("email", &n.email),
        ] {
            if v.trim().is_empty() {
                return refused("BAD_USER_INPUT", format!("`{field}` is required."));
            }
        }
        if crate::core::validate::email(&n.email).is_err() {
            return refused("BAD_USER_INPUT", "`email` is not a valid email address.");
        }
        if self
            .users
            .iter()
            .any(|u| u.email.eq_ignore_ascii_case(n.email.trim()))
        {
            return refused("EMAIL_TAKEN", "A user with this email already exists.");
        }
        let group = self
            .groups
            .iter()
            .find(|g| g.persona == n.persona)
            .map(|g| g.id)
            .unwrap_or(1);
        let id = self.users.iter().map(|u| u.id).max().unwrap_or(0) + 1;
        let user = User {
            id,
            email: n.email.trim().to_string(),
            first_name: n.first_name,
            last_name: n.last_name,
            mobile: n.mobile,
            active: n.active,
            accepted_at: n.active.then_some(now),
            unactive_comment: None,
            group,
            locale: n.locale.unwrap_or("fr"),
            last_login: None,
        };
        let account_id = self.accounts.iter().map(|a| a.id).max().unwrap_or(0) + 1;
        self.accounts.push(Account {
            id: account_id,
            kind: if n.corporate_name.is_some() {
                AccountKind::Corporate
            } else {
                AccountKind::Individual
            },
            label: n
                .corporate_name
                .unwrap_or_else(|| format!("{} {}", user.first_name, user.last_name)),
            kyc: "TO_COMPLETE",
            kyc_expires: None,
            kyc_refused_comment: None,
            owners: vec![id],
        });
        self.users.push(user.clone());
        Ok(user)
    }

    /// Approves a pending user, or reactivates an inactive one.
    pub fn activate(&mut self, id: u32, now: Timestamp) -> Result<User, Refused> {
        let u = self.user_mut(id)?;
        if u.active {
            return refused("ALREADY_ACTIVE", "This user is already active.");
        }
        u.active = true;
        u.accepted_at.get_or_insert(now);
        u.unactive_comment = None;
        Ok(u.clone())
    }

    pub fn deactivate(&mut self, id: u32, comment: Option<String>) -> Result<User, Refused> {
        let comment = comment.filter(|c| !c.trim().is_empty());
        let u = self.user_mut(id)?;
        if !u.active && u.accepted_at.is_some() {
            return refused("ALREADY_INACTIVE", "This user is already inactive.");
        }
        if comment.is_none() {
            return refused(
                "BAD_USER_INPUT",
                "`unactiveComment` is required: say why the user is deactivated.",
            );
        }
        u.active = false;
        u.unactive_comment = comment;
        Ok(u.clone())
    }

    pub fn update(
        &mut self,
        id: u32,
        first_name: Option<String>,
        last_name: Option<String>,
        mobile: Option<String>,
        locale: Option<&'static str>,
        group: Option<u32>,
    ) -> Result<User, Refused> {
        if let Some(g) = group
            && self.group(g).is_none()
        {
            return refused("NOT_FOUND", format!("No user group has id {g}."));
        }
        let u = self.user_mut(id)?;
        if let Some(v) = first_name {
            u.first_name = v;
        }
        if let Some(v) = last_name {
            u.last_name = v;
        }
        if let Some(v) = mobile {
            u.mobile = Some(v).filter(|m| !m.is_empty());
        }
        if let Some(v) = locale {
            u.locale = v;
        }
        if let Some(g) = group {
            u.group = g;
        }
        Ok(u.clone())
    }
}

/// Deterministic starting data: users in every state, three groups, accounts of each kind.
pub fn generate(seed: u64) -> Store {
    use super::super::data::{FIRST_NAMES, LAST_NAMES, ORG_WORDS, rng};
    let mut r = rng(seed, 40, 0);
    let groups = vec![
        Group {
            id: 1,
            name: "Investors".into(),
            persona: Persona::Customer,
        },
        Group {
            id: 2,
            name: "Advised investors".into(),
            persona: Persona::DistributedCustomer,
        },
        Group {
            id: 3,
            name: "Family office".into(),
            persona: Persona::Customer,
        },
    ];
    let epoch: Timestamp = "2026-11-01T09:00:00Z".parse().expect("a timestamp");
    let mut users = Vec::new();
    let mut accounts: Vec<Account> = Vec::new();
    // Ids from 401 so that seed 004's `GetUser(id: "456")` finds someone.
    for id in 401..=480u32 {
        let (first, last) = (
            FIRST_NAMES[r.usize(..FIRST_NAMES.len())],
            LAST_NAMES[r.usize(..LAST_NAMES.len())],
        );
        let roll = r.u8(0..100);
        let days = |n: i64| jiff::SignedDuration::from_hours(24 * n);
        let accepted = (roll >= 15).then(|| epoch - days(r.i64(30..900)));
        let active = roll >= 25;
        let email = format!("{}.{}{id}@investor.example.com", first, last)
            .to_lowercase()
            .replace('ø', "oe")
            .replace('æ', "ae")
            .replace('å', "aa");
        users.push(User {
            id,
            email,
            first_name: first.into(),
            last_name: last.into(),
            mobile: (r.u8(0..100) < 70).then(|| format!("+336{:08}", r.u32(0..99_999_999))),
            active: active && accepted.is_some(),
            accepted_at: accepted,
            unactive_comment: (accepted.is_some() && !active).then(|| {
                ["KYC refused", "Left the fund", "Duplicate account"][r.usize(..3)].to_string()
            }),
            group: [1, 1, 2, 3][r.usize(..4)],
            locale: if r.bool() { "fr" } else { "en" },
            last_login: accepted.map(|a| a + days(r.i64(0..25))),
        });
        let kyc = |r: &mut fastrand::Rng| KYC_CODES[r.usize(..KYC_CODES.len())].0;
        let next = accounts.len() as u32 + 1001;
        let code = kyc(&mut r);
        accounts.push(Account {
            id: next,
            kind: AccountKind::Individual,
            label: format!("{first} {last}"),
            kyc: code,
            kyc_expires: Some(
                Date::new(r.i16(2026..=2029), r.i8(1..=12), 1).expect("a first of the month"),
            ),
            kyc_refused_comment: (code == "REFUSED").then(|| "Proof of address missing".into()),
            owners: vec![id],
        });
        if r.u8(0..100) < 20 {
            let code = kyc(&mut r);
            accounts.push(Account {
                id: next + 1,
                kind: AccountKind::Corporate,
                label: format!("{} Invest SAS", ORG_WORDS[r.usize(..ORG_WORDS.len())]),
                kyc: code,
                kyc_expires: None,
                kyc_refused_comment: (code == "REFUSED")
                    .then(|| "Beneficial owners not declared".into()),
                owners: vec![id],
            });
        } else if id > 401 && r.u8(0..100) < 15 {
            accounts.push(Account {
                id: next + 1,
                kind: AccountKind::Joint,
                label: format!("{last} joint account"),
                kyc: kyc(&mut r),
                kyc_expires: None,
                kyc_refused_comment: None,
                owners: vec![id - 1, id],
            });
        }
    }
    Store {
        users,
        groups,
        accounts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> Timestamp {
        "2026-11-20T10:00:00Z".parse().unwrap()
    }

    #[test]
    fn the_data_has_every_state_and_account_kind() {
        let s = generate(1);
        for state in ["pending", "active", "inactive"] {
            assert!(s.users.iter().any(|u| u.state() == state), "{state}");
        }
        for kind in [
            AccountKind::Individual,
            AccountKind::Corporate,
            AccountKind::Joint,
        ] {
            assert!(s.accounts.iter().any(|a| a.kind == kind), "{kind:?}");
        }
        assert!(s.user(456).is_some());
        assert!(
            s.users
                .iter()
                .filter(|u| u.state() == "inactive")
                .all(|u| u.unactive_comment.is_some())
        );
    }

    #[test]
    fn the_lifecycle_moves_pending_to_active_to_inactive_with_a_comment() {
        let mut s = generate(1);
        let pending = s.users.iter().find(|u| u.state() == "pending").unwrap().id;
        let u = s.activate(pending, now()).unwrap();
        assert_eq!((u.state(), u.accepted_at), ("active", Some(now())));
        assert_eq!(
            s.activate(pending, now()).unwrap_err().code,
            "ALREADY_ACTIVE"
        );
        assert_eq!(
            s.deactivate(pending, None).unwrap_err().code,
            "BAD_USER_INPUT"
        );
        let u = s.deactivate(pending, Some("Left".into())).unwrap();
        assert_eq!(u.state(), "inactive");
        assert_eq!(
            s.deactivate(pending, Some("again".into()))
                .unwrap_err()
                .code,
            "ALREADY_INACTIVE"
        );
        assert_eq!(
            s.update(pending, None, None, None, None, Some(99))
                .unwrap_err()
                .code,
            "NOT_FOUND"
        );
    }

    #[test]
    fn creating_checks_the_email_and_makes_a_pending_user_with_an_account() {
        let mut s = generate(1);
        let new = |email: &str| NewUser {
            first_name: "Léa".into(),
            last_name: "Martin".into(),
            email: email.into(),
            mobile: None,
            persona: Persona::DistributedCustomer,
            locale: None,
            active: false,
            corporate_name: None,
        };
        assert_eq!(
            s.create(new("nope"), now()).unwrap_err().code,
            "BAD_USER_INPUT"
        );
        let taken = s.users[0].email.clone();
        assert_eq!(
            s.create(new(&taken), now()).unwrap_err().code,
            "EMAIL_TAKEN"
        );
        let u = s
            .create(new("lea.martin@investor.example.com"), now())
            .unwrap();
        assert_eq!(u.state(), "pending");
        assert_eq!(
            s.group(u.group).unwrap().persona,
            Persona::DistributedCustomer
        );
        assert_eq!(s.accounts_of(u.id).count(), 1);
    }
}
