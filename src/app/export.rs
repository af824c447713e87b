//! `:export csv|json [PATH]`: the current table or detail, as shown (masked values stay
//! masked), to a file; the runner writes it and the toast says where. Free of I/O.

use super::action::{Call, Effect};
use super::state::*;
use crate::core::cpr::Cpr;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
}

/// A table as the screen shows it: column names and rows of text.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: &'static str,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
}

fn masked(c: &Option<Cpr>) -> String {
    c.map(|c| c.masked()).unwrap_or_default()
}

fn fields(name: &'static str, pairs: Vec<(&str, String)>) -> Sheet {
    Sheet {
        name,
        headers: vec!["Field", "Value"],
        rows: pairs
            .into_iter()
            .map(|(k, v)| vec![k.to_string(), v])
            .collect(),
    }
}

fn date(d: &Option<jiff::civil::Date>) -> String {
    d.map(|d| d.to_string()).unwrap_or_default()
}

fn client_employee_row(e: &crate::core::ClientEmployee) -> Vec<String> {
    vec![
        e.id.clone(),
        e.full_name(),
        e.email.clone().unwrap_or_default(),
        e.external_id.clone().unwrap_or_default(),
        date(&e.onboarding),
        date(&e.offboarding),
    ]
}

/// Unioo users as the users pane (and `backoffice get users`) shows them.
pub fn users(rows: &[crate::core::PersonSummary]) -> Sheet {
    Sheet {
        name: "users",
        headers: vec!["Id", "Name", "Email", "Organizations"],
        rows: rows
            .iter()
            .map(|p| {
                vec![
                    p.id.to_string(),
                    p.full_name(),
                    p.email.clone().unwrap_or_default(),
                    p.organizations.join(", "),
                ]
            })
            .collect(),
    }
}

/// Bank employees as the employees pane (and `backoffice get employees`) shows them.
pub fn employees(rows: &[crate::core::Employee]) -> Sheet {
    Sheet {
        name: "employees",
        headers: vec!["Id", "Name", "Email", "Roles"],
        rows: rows
            .iter()
            .map(|e| {
                vec![
                    e.id.to_string(),
                    e.full_name(),
                    e.email.clone().unwrap_or_default(),
                    e.roles.join(", "),
                ]
            })
            .collect(),
    }
}

/// What this screen shows, as a sheet; `None` where there is no table or detail.
pub fn sheet(state: &State) -> Option<Sheet> {
    let opt = |s: &Option<String>| s.clone().unwrap_or_default();
    Some(match &state.top().kind {
        ViewKind::Search(s) => Sheet {
            name: "search",
            headers: vec!["Person", "Source", "Name", "CPR", "Email", "What"],
            rows: s
                .results
                .iter()
                .map(|h| {
                    vec![
                        h.group.to_string(),
                        h.source.name().into(),
                        h.name.clone(),
                        masked(&h.cpr),
                        opt(&h.email),
                        h.detail.clone(),
                    ]
                })
                .collect(),
        },
        ViewKind::Users(l) => users(&l.rows),
        ViewKind::Employees(l) => employees(&l.rows),
        ViewKind::Queue(q) => Sheet {
            name: "review-queue",
            headers: vec!["Document", "Kind", "Person", "CPR", "Submitted"],
            rows: q
                .list
                .rows
                .iter()
                .map(|i| {
                    vec![
                        i.document_id.to_string(),
                        i.kind.label().into(),
                        i.person.full_name(),
                        i.cpr.as_ref().map(|c| c.to_string()).unwrap_or_default(),
                        i.created.map(|t| t.to_string()).unwrap_or_default(),
                    ]
                })
                .collect(),
        },
        ViewKind::BankUsers(l) => Sheet {
            name: "bunq-users",
            headers: vec!["Id", "Status", "Name", "Born", "Email"],
            rows: l
                .rows
                .iter()
                .map(|u| {
                    vec![
                        u.id.to_string(),
                        u.status_text(),
                        u.full_name(),
                        u.date_of_birth.clone(),
                        u.email().unwrap_or_default().into(),
                    ]
                })
                .collect(),
        },
        ViewKind::BankUser(v) => {
            let u = v.user.loaded()?;
            fields(
                "bunq-user",
                vec![
                    ("Id", u.id.to_string()),
                    ("Name", u.full_name()),
                    ("Status", u.status_text()),
                    ("Email", u.email().unwrap_or_default().into()),
                    ("Born", u.date_of_birth.clone()),
                    ("Nationality", u.nationality.clone()),
                    (
                        "Tax residency",
                        u.tax_resident
                            .iter()
                            .map(|t| format!("{} {}", t.country, t.tax_number.masked()))
                            .collect::<Vec<_>>()
                            .join(", "),
                    ),
                    (
                        "Address",
                        u.address_main
                            .as_ref()
                            .map(|a| a.one_line())
                            .unwrap_or_default(),
                    ),
                ],
            )
        }
        ViewKind::EndUsers(l) => Sheet {
            name: "end-users",
            headers: vec!["Id", "Status", "Name", "Born", "City"],
            rows: l
                .rows
                .iter()
                .map(|u| {
                    vec![
                        u.id.clone(),
                        u.status.clone(),
                        u.full_name(),
                        u.birth_date.clone(),
                        u.address.city.clone(),
                    ]
                })
                .collect(),
        },
        ViewKind::PlatformUsers(l) => Sheet {
            name: "platform-users",
            headers: vec!["Id", "State", "Name", "Email"],
            rows: l
                .rows
                .iter()
                .map(|u| {
                    vec![
                        u.id.clone(),
                        u.state.label().into(),
                        u.full_name(),
                        u.email.clone(),
                    ]
                })
                .collect(),
        },
        ViewKind::Companies(l) => Sheet {
            name: "companies",
            headers: vec![
                "Id",
                "Name",
                "External id",
                "Country",
                "Onboarding",
                "Offboarding",
            ],
            rows: l
                .rows
                .iter()
                .map(|c| {
                    vec![
                        c.id.clone(),
                        c.name.clone(),
                        opt(&c.external_id),
                        opt(&c.country),
                        date(&c.onboarding),
                        date(&c.offboarding),
                    ]
                })
                .collect(),
        },
        ViewKind::Departments(d) => Sheet {
            name: "departments",
            headers: vec!["Id", "Name", "External id"],
            rows: d
                .list
                .rows
                .iter()
                .map(|x| vec![x.id.clone(), x.name.clone(), opt(&x.external_id)])
                .collect(),
        },
        ViewKind::ClientEmployees(e) => Sheet {
            name: "client-employees",
            headers: vec![
                "Id",
                "Name",
                "Email",
                "External id",
                "Onboarding",
                "Offboarding",
            ],
            rows: e.list.rows.iter().map(client_employee_row).collect(),
        },
        ViewKind::ClientEmployee(v) => Sheet {
            name: "client-employee",
            headers: vec![
                "Id",
                "Name",
                "Email",
                "External id",
                "Onboarding",
                "Offboarding",
            ],
            rows: vec![client_employee_row(&v.employee)],
        },
        ViewKind::Employee(e) => fields(
            "employee",
            vec![
                ("Id", e.id.to_string()),
                ("Name", e.full_name()),
                ("Email", opt(&e.email)),
                ("External id", opt(&e.external_id)),
                ("Roles", e.roles.join(", ")),
            ],
        ),
        ViewKind::EndUser(v) => {
            let u = &v.user;
            fields(
                "end-user",
                vec![
                    ("Id", u.id.clone()),
                    ("Name", u.full_name()),
                    ("Status", u.status.clone()),
                    ("Birth date", u.birth_date.clone()),
                    ("Nationalities", u.nationalities.join(", ")),
                    (
                        "Address",
                        format!(
                            "{}, {} {}, {}",
                            u.address.address_line1,
                            u.address.postcode,
                            u.address.city,
                            u.address.country
                        ),
                    ),
                ],
            )
        }
        ViewKind::PlatformUser(v) => {
            let u = &v.user;
            fields(
                "platform-user",
                vec![
                    ("Id", u.id.clone()),
                    ("Name", u.full_name()),
                    ("Email", u.email.clone()),
                    ("State", u.state.label().into()),
                    (
                        "Group",
                        u.group.as_ref().map(|g| g.name.clone()).unwrap_or_default(),
                    ),
                ],
            )
        }
        ViewKind::Person(p) => {
            let x = p.person.loaded()?;
            // Masked even when revealed on screen: a file outlives the screen.
            let cpr = x.masked_ssn().unwrap_or_default();
            fields(
                "person",
                vec![
                    ("Id", x.id.to_string()),
                    ("Name", x.full_name()),
                    ("CPR", cpr),
                    ("Email", opt(&x.email)),
                    ("Phone", opt(&x.phone)),
                    ("Organizations", x.organization_names().join(", ")),
                ],
            )
        }
        ViewKind::Document(d) => {
            let current = d.current();
            let item = &d.item;
            let at = |t: Option<jiff::Timestamp>| t.map(|t| t.to_string()).unwrap_or_default();
            // The facts beside the image; the image itself never leaves the screen.
            fields(
                "document",
                vec![
                    ("Document", item.document_id.to_string()),
                    ("Kind", item.kind.label().into()),
                    ("Person", item.person.full_name()),
                    (
                        "CPR",
                        item.cpr.as_ref().map(|c| c.to_string()).unwrap_or_default(),
                    ),
                    ("State", d.state().label().to_uppercase()),
                    ("Version", d.version().to_string()),
                    ("Submitted", at(item.created)),
                    ("Expires", at(item.expires)),
                    (
                        "Type",
                        current
                            .and_then(|c| c.type_name(&state.profile.language))
                            .unwrap_or_default()
                            .into(),
                    ),
                    (
                        "Rejected because",
                        current
                            .and_then(|c| c.rejected_reason.clone())
                            .unwrap_or_default(),
                    ),
                ],
            )
        }
        ViewKind::Audit(a) => Sheet {
            name: "audit-trail",
            headers: vec![
                "Time (UTC)",
                "Action",
                "Outcome",
                "Targets",
                "CPR",
                "Reason",
                "By",
            ],
            rows: a
                .visible()
                .into_iter()
                .map(|r| {
                    vec![
                        r.time.clone(),
                        r.event.action.clone(),
                        r.outcome.label().into(),
                        r.event.targets.join(" "),
                        r.event.cpr_masked.clone().unwrap_or_default(),
                        r.reason_shown().into(),
                        r.by().into(),
                    ]
                })
                .collect(),
        },
    })
}

/// `export [csv|json] [PATH]`; the path is everything after the format, spaces included.
pub fn run(state: &mut State, args: &str) -> Vec<Effect> {
    let args = args.trim();
    let (word, rest) = args.split_once(' ').unwrap_or((args, ""));
    let path = Some(rest.trim()).filter(|p| !p.is_empty());
    let format = match word {
        "" | "csv" => Format::Csv,
        "json" => Format::Json,
        other => {
            state.show_toast(format!("Export: {other:?} is not a format: csv or json."));
            return Vec::new();
        }
    };
    let Some(sheet) = sheet(state) else {
        state.show_toast("Nothing to export on this screen.".into());
        return Vec::new();
    };
    let path = path.map(std::path::PathBuf::from).unwrap_or_else(|| {
        let stamp = jiff::Timestamp::now().strftime("%Y%m%d-%H%M%S");
        let ext = if format == Format::Csv { "csv" } else { "json" };
        std::path::PathBuf::from(format!("{}-{stamp}.{ext}", sheet.name))
    });
    let view = state.top().id;
    let mut effects = Vec::new();
    super::update::start(
        state,
        view,
        Call::Export {
            path,
            format,
            sheet: Box::new(sheet),
        },
        &mut effects,
    );
    effects
}

/// Writes the sheet (the runner's part); the number of rows written.
pub fn write(path: &std::path::Path, format: Format, sheet: &Sheet) -> std::io::Result<usize> {
    let bytes = match format {
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Vec::new());
            w.write_record(&sheet.headers)?;
            for r in &sheet.rows {
                w.write_record(r)?;
            }
            w.into_inner().map_err(|e| e.into_error())?
        }
        Format::Json => {
            let rows: Vec<JsonRow> = sheet
                .rows
                .iter()
                .map(|values| JsonRow {
                    headers: &sheet.headers,
                    values,
                })
                .collect();
            serde_json::to_vec_pretty(&rows).map_err(std::io::Error::other)?
        }
    };
    std::fs::write(path, bytes)?;
    Ok(sheet.rows.len())
}

/// One row as a JSON object with its fields in the screen's column order, as in the CSV
/// (a `serde_json::Map` would sort them by name).
struct JsonRow<'a> {
    headers: &'a [&'static str],
    values: &'a [String],
}

impl serde::Serialize for JsonRow<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.values.len()))?;
        for (h, v) in self.headers.iter().zip(self.values) {
            map.serialize_entry(h, v)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_keeps_the_screens_column_order() {
        let sheet = Sheet {
            name: "users",
            headers: vec!["Name", "Email", "Id"],
            rows: vec![vec![
                "Ida Holm".into(),
                "ida@example.com".into(),
                "7".into(),
            ]],
        };
        let dir = std::env::temp_dir().join(format!("backoffice-export-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("users.json");
        assert_eq!(write(&path, Format::Json, &sheet).unwrap(), 1);
        let text = std::fs::read_to_string(&path).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        let at = |k: &str| text.find(&format!("\"{k}\"")).unwrap();
        assert!(at("Name") < at("Email") && at("Email") < at("Id"), "{text}");
        let parsed: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed[0]["Email"], "ida@example.com");
    }
}
