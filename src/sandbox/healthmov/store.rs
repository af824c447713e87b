//! Healthmov's data in the sandbox: companies, departments, employees and their dependents, in
//! memory, generated from the seed and changed by mutations. Validation lives here so every
//! mutation refuses bad input the same way.

use jiff::civil::Date;

#[derive(Debug, Clone, PartialEq)]
pub struct Company {
    pub id: u32,
    pub name: String,
    pub brand: Option<String>,
    pub logo_url: String,
    pub external_id: Option<String>,
    pub country: Option<String>,
    pub account_manager: Option<String>,
    pub onboarding: Option<Date>,
    pub offboarding: Option<Date>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Department {
    pub id: u32,
    pub company: u32,
    pub name: String,
    pub external_id: Option<String>,
}

/// An employee, or (with `parent`) one of an employee's dependents.
#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub id: u32,
    pub company: u32,
    pub department: Option<u32>,
    pub parent: Option<u32>,
    pub employee_number: Option<String>,
    pub external_id: Option<String>,
    pub email: Option<String>,
    pub first_name: String,
    pub last_name: Option<String>,
    pub phone: Option<String>,
    pub birthdate: Option<Date>,
    pub onboarding: Option<Date>,
    pub offboarding: Option<Date>,
}

impl Member {
    /// Access is open from the onboarding date to the offboarding date (inclusive).
    pub fn has_access(&self, today: Date) -> bool {
        self.onboarding.is_some_and(|on| on <= today)
            && self.offboarding.is_none_or(|off| today <= off)
    }

    /// The day the person actually onboarded: the onboarding date once it has passed.
    pub fn onboarded_at(&self, today: Date) -> Option<Date> {
        self.onboarding.filter(|on| *on <= today)
    }
}

#[derive(Default)]
pub struct Store {
    /// The day access is judged on; `None`: the real today.
    pub today: Option<Date>,
    /// (company, employee number) → member id: the upsert's key, so a bulk import of many
    /// thousands stays fast.
    numbers: std::collections::HashMap<(u32, String), u32>,
    pub companies: Vec<Company>,
    pub departments: Vec<Department>,
    pub members: Vec<Member>,
}

/// A validation failure, worded for the API's `errors`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

fn invalid<T>(msg: impl Into<String>) -> Result<T, Invalid> {
    Err(Invalid(msg.into()))
}

/// A plausible address: one `@`, a dot in the domain, no spaces.
pub fn check_email(field: &str, email: &str) -> Result<(), Invalid> {
    let ok = email.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
    }) && !email.contains(char::is_whitespace);
    if ok {
        Ok(())
    } else {
        invalid(format!("`{field}` is not a valid email address"))
    }
}

/// E.164: a plus and 8 to 15 digits.
pub fn check_phone(field: &str, phone: &str) -> Result<(), Invalid> {
    let digits = phone.strip_prefix('+').unwrap_or("");
    if (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        invalid(format!("`{field}` must be in E.164 form, e.g. +4512345678"))
    }
}

pub fn check_dates(on: Option<Date>, off: Option<Date>) -> Result<(), Invalid> {
    match (on, off) {
        (Some(on), Some(off)) if off < on => {
            invalid("`dateOfOffboarding` cannot be before `dateOfOnboarding`")
        }
        _ => Ok(()),
    }
}

pub fn check_required(field: &str, value: &str) -> Result<(), Invalid> {
    if value.trim().is_empty() {
        invalid(format!("`{field}` is required"))
    } else {
        Ok(())
    }
}

/// ISO 3166 alpha-3 shape: three capital letters.
pub fn check_alpha3(value: &str) -> Result<(), Invalid> {
    if value.len() == 3 && value.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(())
    } else {
        invalid("`countryAlpha3Code` must be an ISO 3166 alpha-3 code such as DNK")
    }
}

/// A dependent as `createOrUpdateEmployee` takes it.
#[derive(Debug, Clone, Default)]
pub struct DependentInput {
    pub first_name: String,
    pub last_name: Option<String>,
    pub birthdate: Date,
    pub external_id: Option<String>,
    pub email: Option<String>,
    pub onboarding: Option<Date>,
    pub offboarding: Option<Date>,
}

/// `createOrUpdateEmployee`'s arguments.
#[derive(Debug, Clone, Default)]
pub struct EmployeeInput {
    pub company: u32,
    pub department: u32,
    pub email: String,
    pub phone: Option<String>,
    pub first_name: String,
    pub last_name: String,
    pub employee_number: String,
    pub onboarding: Date,
    pub offboarding: Option<Date>,
    pub dependents: Option<Vec<DependentInput>>,
    pub external_id: Option<String>,
    pub birthdate: Option<Date>,
}

impl Store {
    pub fn company(&self, id: u32) -> Option<&Company> {
        self.companies.iter().find(|c| c.id == id)
    }

    /// Members are kept in increasing id order (ids are handed out that way).
    pub fn member(&self, id: u32) -> Option<&Member> {
        self.position(id).map(|i| &self.members[i])
    }

    fn position(&self, id: u32) -> Option<usize> {
        self.members.binary_search_by_key(&id, |m| m.id).ok()
    }

    /// Rebuilds the employee-number index (after members were added directly).
    pub fn reindex(&mut self) {
        self.numbers = self
            .members
            .iter()
            .filter(|m| m.parent.is_none())
            .filter_map(|m| Some(((m.company, m.employee_number.clone()?), m.id)))
            .collect();
    }

    pub fn dependents(&self, of: u32) -> impl Iterator<Item = &Member> {
        self.members.iter().filter(move |m| m.parent == Some(of))
    }

    /// Ids are handed out in increasing order, so the last one is the largest.
    fn next_id<T>(items: &[T], id: impl Fn(&T) -> u32) -> u32 {
        items.last().map_or(0, id) + 1
    }

    /// Creates a company (`createCompany`), or with `upsert` updates the one with the same
    /// external id, else the same name (`createOrUpdateCompany`).
    pub fn save_company(&mut self, mut c: Company, upsert: bool) -> Result<Company, Invalid> {
        check_required("companyName", &c.name)?;
        check_required("logoUrl", &c.logo_url)?;
        if let Some(a) = &c.country {
            check_alpha3(a)?;
        }
        check_dates(c.onboarding, c.offboarding)?;
        let existing = self
            .companies
            .iter()
            .position(|x| match (&c.external_id, &x.external_id) {
                (Some(a), Some(b)) => a == b,
                _ => x.name == c.name,
            });
        match existing {
            Some(i) if upsert => {
                c.id = self.companies[i].id;
                self.companies[i] = c.clone();
            }
            Some(_) => return invalid("A company with that name or external id already exists"),
            None => {
                c.id = Self::next_id(&self.companies, |x| x.id);
                self.companies.push(c.clone());
            }
        }
        Ok(c)
    }

    pub fn create_department(
        &mut self,
        company: u32,
        name: &str,
        external_id: Option<String>,
    ) -> Result<Department, Invalid> {
        check_required("departmentName", name)?;
        if self.company(company).is_none() {
            return invalid("Unknown company: no company has that `companyId`");
        }
        let d = Department {
            id: Self::next_id(&self.departments, |x| x.id),
            company,
            name: name.into(),
            external_id,
        };
        self.departments.push(d.clone());
        Ok(d)
    }

    /// The upsert keyed by (company, employee number). Given dependents replace the old ones.
    pub fn save_employee(&mut self, e: EmployeeInput) -> Result<Member, Invalid> {
        for (field, value) in [
            ("email", &e.email),
            ("firstName", &e.first_name),
            ("lastName", &e.last_name),
            ("employeeNumber", &e.employee_number),
        ] {
            check_required(field, value)?;
        }
        check_email("email", &e.email)?;
        if let Some(p) = &e.phone {
            check_phone("phoneNumber", p)?;
        }
        check_dates(Some(e.onboarding), e.offboarding)?;
        if self.company(e.company).is_none() {
            return invalid("Unknown company: no company has that `companyId`");
        }
        match self.departments.iter().find(|d| d.id == e.department) {
            None => return invalid("Unknown department: no department has that `departmentId`"),
            Some(d) if d.company != e.company => {
                return invalid("That department belongs to another company");
            }
            Some(_) => {}
        }
        for d in e.dependents.iter().flatten() {
            check_required("dependents.firstName", &d.first_name)?;
            if let Some(m) = &d.email {
                check_email("dependents.email", m)?;
            }
            check_dates(d.onboarding, d.offboarding)?;
        }
        let key = (e.company, e.employee_number.clone());
        let pos = self.numbers.get(&key).and_then(|id| self.position(*id));
        let id = pos.map_or_else(
            || Self::next_id(&self.members, |m| m.id),
            |i| self.members[i].id,
        );
        let member = Member {
            id,
            company: e.company,
            department: Some(e.department),
            parent: None,
            employee_number: Some(e.employee_number),
            external_id: e.external_id,
            email: Some(e.email),
            first_name: e.first_name,
            last_name: Some(e.last_name),
            phone: e.phone,
            birthdate: e.birthdate,
            onboarding: Some(e.onboarding),
            offboarding: e.offboarding,
        };
        match pos {
            Some(i) => self.members[i] = member.clone(),
            None => {
                self.numbers.insert(key, member.id);
                self.members.push(member.clone())
            }
        }
        if let Some(deps) = e.dependents {
            self.members.retain(|m| m.parent != Some(id));
            for d in deps {
                let dep = Member {
                    id: Self::next_id(&self.members, |m| m.id),
                    company: member.company,
                    department: member.department,
                    parent: Some(id),
                    employee_number: None,
                    external_id: d.external_id,
                    email: d.email,
                    first_name: d.first_name,
                    last_name: d.last_name,
                    phone: None,
                    birthdate: Some(d.birthdate),
                    onboarding: d.onboarding.or(member.onboarding),
                    offboarding: d.offboarding,
                };
                self.members.push(dep);
            }
        }
        Ok(member)
    }

    /// `addOrUpdateDependent`: keyed by the parent's email and the dependent's email.
    #[allow(clippy::too_many_arguments)]
    pub fn save_dependent(
        &mut self,
        parent_email: &str,
        email: &str,
        first_name: &str,
        last_name: &str,
        phone: Option<String>,
        birthdate: Date,
        external_id: Option<String>,
        onboarding: Option<Date>,
        offboarding: Option<Date>,
    ) -> Result<Member, Invalid> {
        check_email("parentEmail", parent_email)?;
        check_email("dependentEmail", email)?;
        check_required("dependentFirstName", first_name)?;
        check_required("dependentLastName", last_name)?;
        if let Some(p) = &phone {
            check_phone("dependentPhone", p)?;
        }
        check_dates(onboarding, offboarding)?;
        let Some(parent) = self
            .members
            .iter()
            .find(|m| m.parent.is_none() && m.email.as_deref() == Some(parent_email))
            .cloned()
        else {
            return invalid("Unknown employee: no employee has that `parentEmail`");
        };
        let pos = self
            .members
            .iter()
            .position(|m| m.parent == Some(parent.id) && m.email.as_deref() == Some(email));
        let dep = Member {
            id: pos.map_or_else(
                || Self::next_id(&self.members, |m| m.id),
                |i| self.members[i].id,
            ),
            company: parent.company,
            department: parent.department,
            parent: Some(parent.id),
            employee_number: None,
            external_id,
            email: Some(email.into()),
            first_name: first_name.into(),
            last_name: Some(last_name.into()),
            phone,
            birthdate: Some(birthdate),
            onboarding: onboarding.or(parent.onboarding),
            offboarding,
        };
        match pos {
            Some(i) => self.members[i] = dep,
            None => self.members.push(dep),
        }
        Ok(parent)
    }

    pub fn set_offboarding(&mut self, id: u32, date: Date) -> Result<Member, Invalid> {
        let Some(m) = self.members.iter_mut().find(|m| m.id == id) else {
            return invalid("Unknown employee: no employee has that `employeeId`");
        };
        check_dates(m.onboarding, Some(date))?;
        m.offboarding = Some(date);
        Ok(m.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn store() -> Store {
        let mut s = Store::default();
        let c = Company {
            id: 0,
            name: "Acme".into(),
            brand: None,
            logo_url: "https://x/logo.png".into(),
            external_id: Some("C1".into()),
            country: Some("DNK".into()),
            account_manager: None,
            onboarding: None,
            offboarding: None,
        };
        s.save_company(c, false).unwrap();
        s.create_department(1, "Ops", Some("D1".into())).unwrap();
        s
    }

    fn employee(n: &str) -> EmployeeInput {
        EmployeeInput {
            company: 1,
            department: 1,
            email: format!("{n}@example.com"),
            first_name: "Ann".into(),
            last_name: "Lee".into(),
            employee_number: n.into(),
            onboarding: d("2024-01-01"),
            ..Default::default()
        }
    }

    #[test]
    fn the_employee_upsert_is_keyed_by_company_and_number() {
        let mut s = store();
        let a = s.save_employee(employee("E1")).unwrap();
        let mut again = employee("E1");
        again.first_name = "Anne".into();
        again.dependents = Some(vec![DependentInput {
            first_name: "Kid".into(),
            birthdate: d("2015-05-05"),
            ..Default::default()
        }]);
        let b = s.save_employee(again).unwrap();
        assert_eq!(a.id, b.id);
        assert_eq!(s.members.iter().filter(|m| m.parent.is_none()).count(), 1);
        assert_eq!(s.member(a.id).unwrap().first_name, "Anne");
        assert_eq!(s.dependents(a.id).count(), 1);
    }

    #[test]
    fn bad_input_is_refused_with_a_clear_message() {
        let mut s = store();
        let cases: Vec<(EmployeeInput, &str)> = vec![
            (
                EmployeeInput {
                    email: "not-an-email".into(),
                    ..employee("E2")
                },
                "not a valid email",
            ),
            (
                EmployeeInput {
                    offboarding: Some(d("2023-01-01")),
                    ..employee("E3")
                },
                "cannot be before",
            ),
            (
                EmployeeInput {
                    company: 99,
                    ..employee("E4")
                },
                "Unknown company",
            ),
            (
                EmployeeInput {
                    department: 99,
                    ..employee("E5")
                },
                "Unknown department",
            ),
            (
                EmployeeInput {
                    first_name: " ".into(),
                    ..employee("E6")
                },
                "`firstName` is required",
            ),
            (
                EmployeeInput {
                    phone: Some("12345".into()),
                    ..employee("E7")
                },
                "E.164",
            ),
        ];
        for (input, msg) in cases {
            let e = s.save_employee(input).unwrap_err();
            assert!(e.0.contains(msg), "{e} should say {msg}");
        }
        assert!(s.members.is_empty(), "nothing half-saved");
    }

    #[test]
    fn access_runs_from_onboarding_to_offboarding() {
        let m = Member {
            onboarding: Some(d("2024-01-01")),
            offboarding: Some(d("2024-06-30")),
            ..Member::default_for_test()
        };
        assert!(!m.has_access(d("2023-12-31")));
        assert!(m.has_access(d("2024-01-01")) && m.has_access(d("2024-06-30")));
        assert!(!m.has_access(d("2024-07-01")));
        assert_eq!(m.onboarded_at(d("2023-12-31")), None);
    }

    impl Member {
        fn default_for_test() -> Member {
            Member {
                id: 1,
                company: 1,
                department: None,
                parent: None,
                employee_number: None,
                external_id: None,
                email: None,
                first_name: "A".into(),
                last_name: None,
                phone: None,
                birthdate: None,
                onboarding: None,
                offboarding: None,
            }
        }
    }
}
