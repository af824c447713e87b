//! The onboarding forms: what each asks, how its fields are checked, and the change it sends.

use crate::app::form::{Field, Form, FormKind};
use crate::audit::Event;
use crate::core::validate;
use crate::core::*;

fn date_check(v: &str) -> Result<(), String> {
    validate::date(v).map(|_| ())
}

fn date_of(form: &Form, label: &str) -> Option<jiff::civil::Date> {
    form.value(label).and_then(|v| validate::date(&v).ok())
}

/// Offboarding must not come before onboarding.
fn dates_in_order(form: &Form) -> Vec<(&'static str, String)> {
    let on = date_of(form, ONBOARDING);
    let off = date_of(form, OFFBOARDING);
    match (on, off) {
        (Some(on), off) => validate::offboarding_after_onboarding(on, off)
            .err()
            .map(|e| vec![(OFFBOARDING, e)])
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

const ONBOARDING: &str = "Onboarding";
const OFFBOARDING: &str = "Offboarding";
const DEP_FIRST: &str = "Dependent first";
const DEP_LAST: &str = "Dependent last";
const DEP_BIRTH: &str = "Dependent born";
const DEP_EMAIL: &str = "Dependent email";

fn url_check(v: &str) -> Result<(), String> {
    match reqwest::Url::parse(v) {
        Ok(u) if matches!(u.scheme(), "https" | "http") => Ok(()),
        _ => Err("is not a web address (https://…)".into()),
    }
}

fn company_fields(c: Option<&Company>) -> Vec<Field> {
    let mut fields = vec![
        Field::new("Name", true, None),
        Field::new("Logo URL", true, Some(url_check)),
        Field::new("External id", c.is_some(), None),
        Field::new("Country", false, Some(validate::country_alpha3)),
        Field::new("Account manager", false, None),
    ];
    if let Some(c) = c {
        let values = [
            Some(c.name.clone()),
            c.logo_url.clone(),
            c.external_id.clone(),
            c.country.clone(),
            c.account_manager.clone(),
        ];
        fields = fields
            .into_iter()
            .zip(values)
            .map(|(f, x)| f.with_value(x.as_deref()))
            .collect();
    }
    fields
}

/// `n` on the companies list.
pub fn new_company() -> Form {
    Form::new(
        FormKind::Company { upsert: false },
        "New client company (Healthmov)",
        "Create this company?",
        company_fields(None),
    )
}

/// `E` on the companies list: create-or-update, keyed by the external id, with dates.
pub fn edit_company(c: Option<&Company>) -> Form {
    let mut fields = company_fields(c);
    fields[2].required = true;
    let date = |d: Option<jiff::civil::Date>| d.map(|d| d.to_string());
    fields.push(
        Field::new(ONBOARDING, false, Some(date_check))
            .with_value(c.and_then(|c| date(c.onboarding)).as_deref()),
    );
    fields.push(
        Field::new(OFFBOARDING, false, Some(date_check))
            .with_value(c.and_then(|c| date(c.offboarding)).as_deref()),
    );
    Form::new(
        FormKind::Company { upsert: true },
        "Create or update a company (by external id)",
        "Save this company?",
        fields,
    )
    .with_rule(dates_in_order)
}

pub fn new_department(company_id: &str) -> Form {
    Form::new(
        FormKind::Department {
            company_id: company_id.into(),
        },
        "New department (Healthmov)",
        "Create this department?",
        vec![
            Field::new("Name", true, None),
            Field::new("External id", false, None),
        ],
    )
}

/// A dependent's birth date is needed once any of its fields is filled.
fn employee_rules(form: &Form) -> Vec<(&'static str, String)> {
    let mut errors = dates_in_order(form);
    // Healthmov keeps an employee by company and number: a new number in an update would
    // create a second employee beside this one, not change this one.
    let updating = matches!(form.kind, FormKind::ClientEmployee { new: false, .. });
    let renumbered = form
        .fields
        .iter()
        .any(|f| f.label == "Employee no." && f.changed());
    if updating && renumbered {
        errors.push((
            "Employee no.",
            "cannot be changed here: Healthmov would create a second employee with this number"
                .into(),
        ));
    }
    let any_dependent = [DEP_FIRST, DEP_LAST, DEP_BIRTH, DEP_EMAIL]
        .iter()
        .any(|l| form.value(l).is_some());
    if any_dependent {
        for label in [DEP_FIRST, DEP_BIRTH] {
            if form.value(label).is_none() {
                errors.push((label, "is required for a dependent".into()));
            }
        }
    }
    errors
}

/// `n` on a department's employees (with one optional dependent), or `E` on an employee
/// (the dependents are left as they are: `d`/`D` change them).
pub fn client_employee(
    company_id: &str,
    department_id: &str,
    current: Option<&ClientEmployee>,
) -> Form {
    let at = current.map(|e| EmployeeAt::of(e, Some(company_id), Some(department_id)));
    let date = |d: Option<jiff::civil::Date>| d.map(|d| d.to_string());
    let mut fields = vec![
        Field::new("Employee no.", true, None),
        Field::new("First name", true, None),
        Field::new("Last name", true, None),
        Field::new("Email", true, Some(validate::email)),
        Field::new("Phone", false, Some(validate::phone_e164)),
        Field::born("Birthdate", false),
        Field::new(ONBOARDING, true, Some(date_check)),
        Field::new(OFFBOARDING, false, Some(date_check)),
        Field::new("External id", false, None),
    ];
    if let Some(e) = current {
        let values = [
            e.employee_number.clone(),
            Some(e.first_name.clone()),
            Some(e.last_name.clone()),
            e.email.clone(),
            e.phone.clone(),
            date(e.birthdate),
            date(e.onboarding),
            date(e.offboarding),
            e.external_id.clone(),
        ];
        fields = fields
            .into_iter()
            .zip(values)
            .map(|(f, v)| f.with_value(v.as_deref()))
            .collect();
    } else {
        fields.extend([
            Field::new(DEP_FIRST, false, None),
            Field::new(DEP_LAST, false, None),
            Field::born(DEP_BIRTH, false),
            Field::new(DEP_EMAIL, false, Some(validate::email)),
        ]);
    }
    let (title, question) = match current {
        None => ("Onboard an employee (Healthmov)", "Onboard this employee?"),
        Some(_) => (
            "Update employee (Healthmov)",
            "Save these changes to this employee (no new employee is made)?",
        ),
    };
    let form = Form::new(
        FormKind::ClientEmployee {
            company_id: company_id.into(),
            department_id: department_id.into(),
            new: current.is_none(),
            at,
        },
        title,
        question,
        fields,
    )
    .with_rule(employee_rules);
    // The confirm step names exactly the record that changes.
    match current {
        Some(e) => form.about(format!(
            "{} · no. {} · {}",
            e.full_name(),
            e.employee_number.as_deref().unwrap_or("—"),
            e.email.as_deref().unwrap_or("no email")
        )),
        None => form,
    }
}

/// `d` (new) or `D` (the dependent at `editing`) on an employee. Healthmov keys dependents by
/// email; one without an email is saved with the employee's whole record and every dependent
/// (the form says what that costs).
pub fn dependent(parent: &ClientEmployee, at: EmployeeAt, editing: Option<usize>) -> Form {
    let date = |d: Option<jiff::civil::Date>| d.map(|d| d.to_string());
    let current = editing.and_then(|i| parent.dependents.get(i));
    let mut fields = vec![
        Field::new("First name", true, None),
        Field::new("Last name", true, None),
        Field::born("Birthdate", true),
        Field::new("Email", false, Some(validate::email)),
        Field::new("Phone", false, Some(validate::phone_e164)),
        Field::new("External id", false, None),
        Field::new(ONBOARDING, false, Some(date_check)),
        Field::new(OFFBOARDING, false, Some(date_check)),
    ];
    if let Some(d) = current {
        let values = [
            Some(d.first_name.clone()),
            Some(d.last_name.clone()),
            date(d.birthdate),
            d.email.clone(),
            d.phone.clone(),
            d.external_id.clone(),
            date(d.onboarding),
            date(d.offboarding),
        ];
        fields = fields
            .into_iter()
            .zip(values)
            .map(|(f, v)| f.with_value(v.as_deref()))
            .collect();
    }
    let mut form = Form::new(
        FormKind::Dependent {
            at,
            parent: Box::new(parent.clone()),
            editing,
        },
        if current.is_some() {
            "Update dependent (Healthmov)"
        } else {
            "Add a dependent (Healthmov)"
        },
        "Save this dependent?",
        fields,
    )
    .with_rule(dependent_rules);
    if current.is_some_and(|d| d.email.is_none()) {
        form.warning = Some(whole_record_warning(parent, editing));
    }
    form
}

/// What saving a dependent without an email costs: the employee is saved with every
/// dependent, and that call carries no phone numbers.
fn whole_record_warning(parent: &ClientEmployee, editing: Option<usize>) -> String {
    let n = parent.dependents.len() + usize::from(editing.is_none());
    let phones = parent
        .dependents
        .iter()
        .enumerate()
        .filter(|(i, d)| Some(*i) != editing && d.phone.is_some())
        .count();
    let mut text = format!(
        "No email: Healthmov saves this dependent only with the employee's whole record, \
         all {n} dependents."
    );
    if phones > 0 {
        text.push_str(&format!(
            " That call carries no phone numbers: {phones} on file will be removed."
        ));
    }
    text
}

fn dependent_rules(form: &Form) -> Vec<(&'static str, String)> {
    let mut errors = dates_in_order(form);
    let FormKind::Dependent {
        parent,
        at,
        editing,
        ..
    } = &form.kind
    else {
        return errors;
    };
    if form.value("Email").is_some() {
        if parent.email.is_none() {
            errors.push(("Email", "the employee has no email to file it under".into()));
        }
        return errors;
    }
    // Without an email: through the employee's whole record.
    if form.value("Phone").is_some() {
        errors.push((
            "Phone",
            "needs an email: without one Healthmov's call carries no phone number".into(),
        ));
    }
    if let Err(why) = whole_record(parent, at) {
        errors.push(("Email", why));
    }
    let undated = parent
        .dependents
        .iter()
        .enumerate()
        .any(|(i, d)| Some(i) != *editing && d.birthdate.is_none());
    if undated {
        errors.push((
            "Email",
            "is needed: another dependent has no birth date on file, and the employee's \
             whole record must carry one for each"
                .into(),
        ));
    }
    errors
}

/// The employee as `createOrUpdateEmployee` takes them again, or why it cannot.
fn whole_record(parent: &ClientEmployee, at: &EmployeeAt) -> Result<NewEmployee, String> {
    let (Some(_), Some(_)) = (&at.company_id, &at.department_id) else {
        return Err(
            "is needed here: open the employee from their department to save \
                    a dependent without one"
                .into(),
        );
    };
    let missing = |what: &str| format!("is needed: the employee has no {what} on file");
    Ok(NewEmployee {
        employee_number: parent
            .employee_number
            .clone()
            .ok_or_else(|| missing("employee number"))?,
        first_name: parent.first_name.clone(),
        last_name: parent.last_name.clone(),
        email: parent.email.clone().ok_or_else(|| missing("email"))?,
        onboarding: parent
            .onboarding
            .ok_or_else(|| missing("onboarding date"))?,
        offboarding: parent.offboarding,
        phone: parent.phone.clone(),
        birthdate: parent.birthdate,
        external_id: parent.external_id.clone(),
    })
}

/// A dependent as the employee's whole record sends it again.
fn as_new(d: &Dependent) -> Option<NewDependent> {
    Some(NewDependent {
        first_name: d.first_name.clone(),
        last_name: d.last_name.clone(),
        birthdate: d.birthdate?,
        email: d.email.clone(),
        phone: None,
        external_id: d.external_id.clone(),
        onboarding: d.onboarding,
        offboarding: d.offboarding,
    })
}

/// `O` on an employee: the last day of access. Checked against the onboarding date.
pub fn offboarding(e: &ClientEmployee, at: EmployeeAt) -> Form {
    Form::new(
        FormKind::Offboarding {
            employee_id: e.id.clone(),
            at,
            onboarding: e.onboarding,
        },
        "Set the offboarding date (Healthmov)",
        "Set this offboarding date?",
        vec![
            Field::new(OFFBOARDING, true, Some(date_check))
                .with_value(e.offboarding.map(|d| d.to_string()).as_deref()),
        ],
    )
    .with_rule(offboarding_after_known_onboarding)
}

fn offboarding_after_known_onboarding(form: &Form) -> Vec<(&'static str, String)> {
    match (&form.kind, date_of(form, OFFBOARDING)) {
        (
            FormKind::Offboarding {
                onboarding: Some(on),
                ..
            },
            Some(off),
        ) => validate::offboarding_after_onboarding(*on, Some(off))
            .err()
            .map(|e| vec![(OFFBOARDING, e)])
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn event(action: &str, targets: Vec<String>) -> Event {
    Event {
        backend: "Healthmov".into(),
        action: action.into(),
        targets,
        correlation: uuid::Uuid::new_v4().to_string(),
        ..Default::default()
    }
}

/// Appends the targets not already there.
fn extend_new(targets: &mut Vec<String>, more: impl IntoIterator<Item = String>) {
    for t in more {
        if !targets.contains(&t) {
            targets.push(t);
        }
    }
}

fn masked_email(email: &str) -> String {
    format!("email:{}", mask_email(email))
}

/// The change a validated form sends, and its audit event (masked values only).
pub fn change(form: &Form) -> Option<(Change, Event)> {
    let v = |l: &str| form.value(l);
    let d = |l: &str| date_of(form, l);
    Some(match &form.kind {
        FormKind::BankEmployee
        | FormKind::Platform(_)
        | FormKind::EndUser(_)
        | FormKind::BankUser(_) => return None,
        FormKind::Company { upsert } => {
            let company = NewCompany {
                name: v("Name")?,
                logo_url: v("Logo URL")?,
                external_id: v("External id"),
                country: v("Country").map(|c| c.to_uppercase()),
                account_manager: v("Account manager"),
                onboarding: d(ONBOARDING),
                offboarding: d(OFFBOARDING),
            };
            let ev = event(
                if *upsert {
                    "company.upsert"
                } else {
                    "company.create"
                },
                vec![format!(
                    "company:{}",
                    company
                        .external_id
                        .clone()
                        .unwrap_or_else(|| company.name.clone())
                )],
            );
            (
                Change::Company {
                    company,
                    upsert: *upsert,
                },
                ev,
            )
        }
        FormKind::Department { company_id } => {
            let ev = event(
                "department.create",
                vec![
                    format!("company:{company_id}"),
                    format!("department:{}", v("External id").unwrap_or(v("Name")?)),
                ],
            );
            (
                Change::Department {
                    company_id: company_id.clone(),
                    name: v("Name")?,
                    external_id: v("External id"),
                },
                ev,
            )
        }
        FormKind::ClientEmployee {
            company_id,
            department_id,
            new,
            at,
        } => {
            let employee = NewEmployee {
                employee_number: v("Employee no.")?,
                first_name: v("First name")?,
                last_name: v("Last name")?,
                email: v("Email")?,
                onboarding: d(ONBOARDING)?,
                offboarding: d(OFFBOARDING),
                phone: v("Phone"),
                birthdate: d("Birthdate"),
                external_id: v("External id"),
            };
            let dependents = match (new, v(DEP_FIRST)) {
                (true, Some(first)) => Some(vec![NewDependent {
                    first_name: first,
                    last_name: v(DEP_LAST).unwrap_or_default(),
                    birthdate: d(DEP_BIRTH)?,
                    email: v(DEP_EMAIL),
                    phone: None,
                    external_id: None,
                    onboarding: None,
                    offboarding: None,
                }]),
                _ => None,
            };
            let mut targets = vec![
                format!("company:{company_id}"),
                format!("employee-number:{}", employee.employee_number),
                masked_email(&employee.email),
            ];
            // Where a second console reads the employee back (four-eyes).
            extend_new(&mut targets, at.iter().flat_map(EmployeeAt::targets));
            let ev = event(
                if *new {
                    "employee.onboard"
                } else {
                    "employee.update"
                },
                targets,
            );
            (
                Change::Employee {
                    company_id: company_id.clone(),
                    department_id: department_id.clone(),
                    employee,
                    dependents,
                },
                ev,
            )
        }
        FormKind::Dependent {
            at,
            parent,
            editing,
        } => {
            let parent_email = parent.email.clone().unwrap_or_default();
            let dependent = NewDependent {
                first_name: v("First name")?,
                last_name: v("Last name")?,
                birthdate: d("Birthdate")?,
                email: v("Email"),
                phone: v("Phone"),
                external_id: v("External id"),
                onboarding: d(ONBOARDING),
                offboarding: d(OFFBOARDING),
            };
            let mut targets = vec![
                format!("parent-{}", masked_email(&parent_email)),
                masked_email(dependent.email.as_deref().unwrap_or_default()),
            ];
            extend_new(&mut targets, at.targets());
            let ev = event("dependent.save", targets);
            if dependent.email.is_some() {
                return Some((
                    Change::Dependent {
                        parent_email,
                        dependent,
                    },
                    ev,
                ));
            }
            // No email: the employee again, with every dependent and this one in its place.
            let employee = whole_record(parent, at).ok()?;
            let edited = editing.filter(|i| *i < parent.dependents.len());
            let mut dependents = parent
                .dependents
                .iter()
                .enumerate()
                .map(|(i, d)| match edited == Some(i) {
                    true => Some(dependent.clone()),
                    false => as_new(d),
                })
                .collect::<Option<Vec<_>>>()?;
            if edited.is_none() {
                dependents.push(dependent);
            }
            (
                Change::Employee {
                    company_id: at.company_id.clone()?,
                    department_id: at.department_id.clone()?,
                    employee,
                    dependents: Some(dependents),
                },
                ev,
            )
        }
        FormKind::Offboarding {
            employee_id, at, ..
        } => {
            let date = d(OFFBOARDING)?;
            let mut targets = vec![format!("employee:{employee_id}")];
            extend_new(&mut targets, at.targets());
            let mut ev = event("employee.offboard", targets);
            ev.reason = Some(format!("offboarding {date}"));
            (
                Change::Offboarding {
                    employee_id: employee_id.clone(),
                    date,
                },
                ev,
            )
        }
    })
}
