//! Carries out effects: each call is a tokio task whose result comes back as an action.
//! Cancelling aborts the task, so a cancelled request's answer never arrives.
//!
//! Audited calls write the intent record (fsynced) before anything is sent and the outcome
//! record after; if the intent cannot be written, nothing is sent (fail closed).

use super::action::{Action, Call, Effect, Payload, RequestId};
use crate::audit::{AuditLog, Outcome};
use crate::backends::{BackendError, BankStaff, LegitimationReview, Onboarding, PeopleDirectory};
use crate::core::{Change, Changed};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::mpsc::UnboundedSender;
use tokio::task::AbortHandle;

/// Where the console's calls go.
#[derive(Clone)]
pub struct Backends {
    pub people: Arc<dyn PeopleDirectory>,
    pub review: Arc<dyn LegitimationReview>,
    pub staff: Arc<dyn BankStaff>,
    /// Healthmov, when the profile has it.
    pub onboarding: Option<Arc<dyn Onboarding>>,
    /// VASCO, when the profile has it.
    pub platform: Option<Arc<dyn crate::backends::FundPlatform>>,
    /// Upvest, when the profile has it.
    pub end_users: Option<Arc<dyn crate::backends::EndUsers>>,
    pub bank_users: Option<Arc<dyn crate::backends::BankUsers>>,
    pub audit: Audit,
}

/// Rows sent at once by an import started in the console.
pub const IMPORT_CONCURRENCY: usize = crate::onboarding::upload::CONCURRENCY as usize;

/// The audit log, or why it cannot be written (then every audited action is refused).
#[derive(Clone)]
pub enum Audit {
    Open(Arc<Mutex<AuditLog>>),
    Unavailable { path: Option<PathBuf>, why: String },
}

impl Audit {
    fn append(&self, event: &crate::audit::Event, outcome: Outcome) -> Result<(), String> {
        match self {
            Audit::Open(log) => log
                .lock()
                .map_err(|_| "the audit log is unusable after an earlier failure".to_string())?
                .append(event.clone(), outcome)
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Audit::Unavailable { why, .. } => Err(why.clone()),
        }
    }

    pub fn path(&self) -> Option<PathBuf> {
        match self {
            Audit::Open(log) => log.lock().ok().map(|l| l.path().to_path_buf()),
            Audit::Unavailable { path, .. } => path.clone(),
        }
    }
}

pub struct Runner {
    backends: Backends,
    tx: UnboundedSender<Action>,
    tasks: HashMap<RequestId, AbortHandle>,
    /// Running imports: asked to stop, they finish the rows in flight and report.
    stops: HashMap<RequestId, Arc<AtomicBool>>,
}

impl Runner {
    pub fn new(backends: Backends, tx: UnboundedSender<Action>) -> Self {
        Runner {
            backends,
            tx,
            tasks: HashMap::new(),
            stops: HashMap::new(),
        }
    }

    pub fn run(&mut self, effect: Effect) {
        match effect {
            Effect::Call { req, call } => {
                let backends = self.backends.clone();
                let tx = self.tx.clone();
                let handle = if let Call::Import {
                    checked,
                    company_id,
                    department_id,
                    audit,
                } = call
                {
                    let stop = Arc::new(AtomicBool::new(false));
                    self.stops.insert(req, stop.clone());
                    tokio::spawn(async move {
                        let progress = tx.clone();
                        let run = import(&backends, *checked, company_id, department_id, &stop, {
                            move |p| {
                                let _ = progress.send(Action::ImportProgress {
                                    req,
                                    progress: p.clone(),
                                });
                            }
                        });
                        let result = audited(&backends.audit, &audit, run).await;
                        let _ = tx.send(Action::Loaded { req, result });
                    })
                } else {
                    tokio::spawn(async move {
                        let result = perform(&backends, call).await;
                        let _ = tx.send(Action::Loaded { req, result });
                    })
                };
                self.tasks.retain(|_, h| !h.is_finished());
                self.tasks.insert(req, handle.abort_handle());
            }
            Effect::Cancel(req) => {
                if let Some(h) = self.tasks.remove(&req) {
                    h.abort();
                }
            }
            Effect::Stop(req) => {
                if let Some(s) = self.stops.remove(&req) {
                    s.store(true, Ordering::SeqCst);
                }
            }
            // The terminal's part, not a backend's.
            Effect::Copy(_) | Effect::Unlock(_) => {}
            // Carried out by `update` before its effects leave it.
            Effect::Open(_) | Effect::OpenPerson { .. } | Effect::Run(_) => {}
            Effect::Quit => {
                for (_, h) in self.tasks.drain() {
                    h.abort();
                }
            }
        }
    }
}

/// An audit failure, worded as a refusal: nothing was sent.
fn audit_refusal(why: String) -> BackendError {
    BackendError::Rejected {
        backend: "Audit log",
        request_id: "-".into(),
        messages: vec![why],
        code: Some("AUDIT_UNAVAILABLE".into()),
    }
}

/// Runs a mutation between its audit records: the intent is written (and fsynced) first, and
/// if that fails nothing is sent; the outcome follows, with the request id of an error.
async fn audited<T>(
    log: &Audit,
    event: &crate::audit::Event,
    call: impl std::future::Future<Output = Result<T, BackendError>>,
) -> Result<T, BackendError> {
    let (intent_log, intent) = (log.clone(), event.clone());
    tokio::task::spawn_blocking(move || intent_log.append(&intent, Outcome::Intent))
        .await
        .map_err(|e| audit_refusal(e.to_string()))?
        .map_err(audit_refusal)?;
    let result = call.await;
    let outcome = match &result {
        Ok(_) => Outcome::Ok,
        Err(e) => Outcome::Error {
            message: e.to_string(),
            request_id: Some(e.request_id().to_string()),
        },
    };
    let (outcome_log, event) = (log.clone(), event.clone());
    let written = tokio::task::spawn_blocking(move || outcome_log.append(&event, outcome)).await;
    if !matches!(written, Ok(Ok(()))) {
        tracing::error!("the outcome of an audited action could not be written to the audit log");
    }
    result
}

pub async fn perform(b: &Backends, call: Call) -> Result<Payload, BackendError> {
    use super::paging::PAGE_SIZE;
    Ok(match call {
        Call::Search { source, query } => Payload::Hits(b.sources().search(source, &query).await?),
        Call::Person(id) => Payload::Person(b.people.person(id).await?.map(Box::new)),
        Call::Users { after, sort } => {
            Payload::Users(b.people.users(after, sort, PAGE_SIZE).await?)
        }
        Call::Employees { after, sort } => {
            Payload::Employees(b.people.employees(after, sort, PAGE_SIZE).await?)
        }
        Call::Document { user, kind } => {
            let file = b.people.document(user, kind).await?;
            // Decoding can take a while for a large scan: not on the UI loop.
            let (file, decoded) = tokio::task::spawn_blocking(move || {
                let decoded = file.as_ref().map(|f| decode_image(&f.bytes));
                (file, decoded)
            })
            .await
            .map_err(|e| BackendError::Local {
                what: "Document",
                detail: e.to_string(),
            })?;
            let (image, image_refused) = match decoded {
                Some(Ok(image)) => (Some(Arc::new(image)), None),
                Some(Err(ImageRefused::TooLarge(why))) => (None, Some(why)),
                Some(Err(ImageRefused::NotAnImage)) | None => (None, None),
            };
            Payload::Document {
                file,
                image,
                image_refused,
            }
        }
        Call::ReviewQueue { after, kind } => {
            Payload::Queue(b.review.review_queue(after, kind, PAGE_SIZE).await?)
        }
        Call::Decide { decision, audit } => {
            Payload::Decided(audited(&b.audit, &audit, b.review.decide(*decision)).await?)
        }
        Call::CreateEmployee {
            email,
            first_name,
            last_name,
            audit,
        } => Payload::EmployeeCreated(Box::new(
            audited(
                &b.audit,
                &audit,
                b.staff.create_employee(email, first_name, last_name),
            )
            .await?,
        )),
        Call::Companies { after } => Payload::Companies(healthmov(b)?.companies(after).await?),
        Call::Departments {
            company_id,
            company,
            after,
        } => Payload::Departments(
            healthmov(b)?
                .departments(company_id, company, after)
                .await?,
        ),
        Call::ClientEmployees { department, after } => {
            Payload::ClientEmployees(healthmov(b)?.client_employees(*department, after).await?)
        }
        Call::FindExternalId(id) => Payload::Found(healthmov(b)?.find_external_id(id).await?),
        Call::Onboard { change, audit } => {
            let o = healthmov(b)?;
            Payload::Onboarded(audited(&b.audit, &audit, onboard(&**o, *change)).await?)
        }
        Call::EndUsers { offset } => Payload::EndUsers(upvest(b)?.end_users(offset).await?),
        Call::EndUser(id) => Payload::EndUserDetail(Box::new(upvest(b)?.end_user(id).await?)),
        Call::ChangeEndUser { change, audit } => {
            let u = upvest(b)?;
            Payload::EndUserChanged(
                audited(&b.audit, &audit, u.change_end_user(*change))
                    .await?
                    .map(Box::new),
            )
        }
        Call::BankUsers { older_id, loaded } => {
            Payload::BankUsers(bunq(b)?.bank_users(older_id, loaded).await?)
        }
        Call::BankUser(id) => Payload::BankUser(Box::new(bunq(b)?.bank_user(id).await?)),
        Call::ChangeBankUser { id, update, audit } => {
            let u = bunq(b)?;
            Payload::BankUserChanged(Box::new(
                audited(&b.audit, &audit, u.update_bank_user(id, *update)).await?,
            ))
        }
        Call::PlatformUsers { offset } => {
            Payload::PlatformUsers(vasco(b)?.platform_users(offset).await?)
        }
        Call::ChangePlatformUser { change, audit } => {
            let v = vasco(b)?;
            Payload::PlatformChanged(Box::new(
                audited(&b.audit, &audit, v.change_platform_user(*change)).await?,
            ))
        }
        Call::HealthmovLogin(password) => {
            healthmov(b)?.log_in(password.0).await?;
            Payload::LoggedIn
        }
        Call::CheckImport {
            path,
            department_given,
        } => {
            let checked = tokio::task::spawn_blocking(move || {
                crate::onboarding::run::check(&path, department_given)
            })
            .await
            .map_err(|e| audit_refusal(e.to_string()))?
            .map_err(|e| BackendError::Local {
                what: "Import",
                detail: format!("{e:#}"),
            })?;
            Payload::ImportChecked(Box::new(checked))
        }
        // Run by `Runner::run`, which streams its progress.
        Call::Import { .. } => {
            return Err(BackendError::Local {
                what: "Import",
                detail: "an import runs only from the console's runner".into(),
            });
        }
        Call::Export {
            path,
            dir,
            replace,
            format,
            sheet,
        } => {
            let asked = path.clone();
            let now = jiff::Timestamp::now();
            let Some(path) =
                super::export::target(path.as_deref(), dir.as_deref(), &sheet, format, now)
            else {
                return Err(BackendError::Local {
                    what: "Export",
                    detail: "no export directory: set export_dir, or give a full path".into(),
                });
            };
            let target = path.clone();
            let written = tokio::task::spawn_blocking(move || {
                // The export directory is made (0700) when the file goes in it.
                if let Some(dir) = dir.as_deref().filter(|d| path.starts_with(d)) {
                    crate::files::private_dir(dir)?;
                }
                let rows = super::export::write(&path, format, &sheet, replace)?;
                // Where it went, shortest first: relative to the working directory when
                // inside it, else absolute.
                let full = std::path::absolute(&path).unwrap_or(path);
                let shown = std::env::current_dir()
                    .ok()
                    .and_then(|d| full.strip_prefix(d).ok().map(std::path::Path::to_path_buf))
                    .unwrap_or(full);
                Ok::<_, std::io::Error>((shown, rows))
            })
            .await
            .map_err(|e| BackendError::Local {
                what: "Export",
                detail: e.to_string(),
            })?;
            let (path, rows) = written.map_err(|e| BackendError::Local {
                what: "Export",
                // Short, so the status line shows it whole at 80 columns.
                detail: match e.kind() {
                    // Never overwritten unasked (nor written through a symlink).
                    std::io::ErrorKind::AlreadyExists => match &asked {
                        Some(p) => format!(
                            "exists: {} (`:export! {} {}` replaces it)",
                            target.display(),
                            format.word(),
                            p.display()
                        ),
                        None => format!("exists: {}", target.display()),
                    },
                    std::io::ErrorKind::NotFound => format!("no folder for {}", target.display()),
                    std::io::ErrorKind::PermissionDenied => {
                        format!("{}: permission denied", target.display())
                    }
                    _ => format!("{}: {e}", target.display()),
                },
            })?;
            Payload::Exported { path, rows }
        }
        Call::Reveal { audit } => {
            let log = b.audit.clone();
            tokio::task::spawn_blocking(move || {
                log.append(&audit, Outcome::Intent)?;
                log.append(&audit, Outcome::Ok)
            })
            .await
            .map_err(|e| audit_refusal(e.to_string()))?
            .map_err(audit_refusal)?;
            Payload::Revealed
        }
        Call::LoadAudit => {
            let path = b.audit.path();
            let read = tokio::task::spawn_blocking(move || -> Result<_, String> {
                let Some(path) = path else {
                    return Ok((Vec::new(), Ok(0)));
                };
                if !path.exists() {
                    return Ok((Vec::new(), Ok(0)));
                }
                // Never a device or a pipe: those never end.
                let mut text = String::new();
                crate::audit::open_regular(&path)
                    .and_then(|mut f| std::io::Read::read_to_string(&mut f, &mut text))
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                let records = text
                    .lines()
                    .filter_map(|l| serde_json::from_str(l).ok())
                    .collect();
                let verified = crate::audit::verify_text(&text).map_err(|e| e.to_string());
                Ok((records, verified))
            })
            .await
            .map_err(|e| audit_refusal(e.to_string()))?
            .map_err(audit_refusal)?;
            Payload::Audit {
                records: read.0,
                verified: read.1,
            }
        }
    })
}

/// The widest and tallest document image decoded, in pixels.
pub const MAX_IMAGE_SIDE: u32 = 8192;
/// The most memory one document image's decoding may take: a 12-megapixel RGB scan fits.
pub const MAX_IMAGE_ALLOC: u64 = 40 << 20;

/// Why a document's bytes gave no image.
#[derive(Debug, PartialEq)]
pub enum ImageRefused {
    /// Not in a format this console decodes, or damaged.
    NotAnImage,
    /// Larger than [`MAX_IMAGE_SIDE`] or [`MAX_IMAGE_ALLOC`]: refused before it is decoded.
    TooLarge(String),
}

/// Decodes a document's image within pixel and memory limits: the header's size is checked
/// before anything is allocated, so a small file declaring a huge image costs nothing.
pub fn decode_image(bytes: &[u8]) -> Result<image::DynamicImage, ImageRefused> {
    let reader = || {
        image::ImageReader::new(std::io::Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|_| ImageRefused::NotAnImage)
    };
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_IMAGE_SIDE);
    limits.max_image_height = Some(MAX_IMAGE_SIDE);
    limits.max_alloc = Some(MAX_IMAGE_ALLOC);
    let mut decoding = reader()?;
    decoding.limits(limits);
    decoding.decode().map_err(|e| match e {
        image::ImageError::Limits(_) => {
            // The header alone, for the error: what size the file claims.
            let size = reader()
                .ok()
                .and_then(|r| r.into_dimensions().ok())
                .map_or(String::new(), |(w, h)| format!(" ({w}×{h} pixels)"));
            ImageRefused::TooLarge(format!(
                "the image{size} is larger than this console decodes (at most {MAX_IMAGE_SIDE} pixels a side and {} MiB)",
                MAX_IMAGE_ALLOC >> 20
            ))
        }
        _ => ImageRefused::NotAnImage,
    })
}

fn bunq(b: &Backends) -> Result<&Arc<dyn crate::backends::BankUsers>, BackendError> {
    b.bank_users.as_ref().ok_or_else(|| BackendError::Local {
        what: "bunq",
        detail: "this profile has no [bunq] section in the config".into(),
    })
}

fn upvest(b: &Backends) -> Result<&Arc<dyn crate::backends::EndUsers>, BackendError> {
    b.end_users.as_ref().ok_or_else(|| BackendError::Local {
        what: "Upvest",
        detail: "this profile has no [upvest] section in the config".into(),
    })
}

fn vasco(b: &Backends) -> Result<&Arc<dyn crate::backends::FundPlatform>, BackendError> {
    b.platform.as_ref().ok_or_else(|| BackendError::Local {
        what: "VASCO",
        detail: "this profile has no [vasco] section in the config".into(),
    })
}

fn healthmov(b: &Backends) -> Result<&Arc<dyn Onboarding>, BackendError> {
    b.onboarding.as_ref().ok_or_else(|| BackendError::Local {
        what: "Healthmov",
        detail: "this profile has no [healthmov] section in the config".into(),
    })
}

async fn onboard(o: &dyn Onboarding, change: Change) -> Result<Changed, BackendError> {
    Ok(match change {
        Change::Company { company, upsert } => {
            Changed::Company(Box::new(o.save_company(company, upsert).await?))
        }
        Change::Department {
            company_id,
            name,
            external_id,
        } => Changed::Department(o.create_department(company_id, name, external_id).await?),
        Change::Employee {
            company_id,
            department_id,
            employee,
            dependents,
        } => Changed::Employee(Box::new(
            o.save_employee(company_id, department_id, employee, dependents)
                .await?,
        )),
        Change::Dependent {
            parent_email,
            dependent,
        } => Changed::Employee(Box::new(o.save_dependent(parent_email, dependent).await?)),
        Change::Offboarding { employee_id, date } => {
            Changed::Employee(Box::new(o.set_offboarding(employee_id, date).await?))
        }
    })
}

async fn import(
    b: &Backends,
    checked: crate::onboarding::run::Checked,
    company: String,
    department: Option<String>,
    stop: &AtomicBool,
    on_progress: impl FnMut(&crate::onboarding::upload::Progress),
) -> Result<Payload, BackendError> {
    let client = healthmov(b)?.clone();
    let target = crate::onboarding::upload::Target {
        company: &company,
        department: department.as_deref(),
    };
    let upsert: &dyn crate::backends::healthmov::EmployeeUpsert = &*client;
    let report = crate::onboarding::run::run(
        upsert,
        checked,
        target,
        IMPORT_CONCURRENCY,
        stop,
        on_progress,
    )
    .await
    .map_err(|e| BackendError::Local {
        what: "Import",
        detail: format!("{e:#}"),
    })?;
    Ok(Payload::Imported(report))
}

impl Backends {
    /// What a search can ask.
    pub fn sources(&self) -> crate::search::sources::Sources<'_> {
        crate::search::sources::Sources {
            people: &*self.people,
            onboarding: self.onboarding.as_deref().map(|o| o as _),
            platform: self.platform.as_deref(),
            end_users: self.end_users.as_deref(),
            bank_users: self.bank_users.as_deref(),
        }
    }
}
