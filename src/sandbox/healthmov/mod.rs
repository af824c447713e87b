//! The Healthmov User Management API in the sandbox (GraphQL, Graphene/Relay conventions as in
//! seed 003): base64 global ids (`CompanyNode:1`), `arrayconnection:N` cursors, at most 5
//! companies a page, login/refresh/logout, and a per-client rate limit answering 429.

pub mod auth;

pub mod store;

use async_graphql::{
    ComplexObject, Context, EmptySubscription, Error, ErrorExtensions, ID, InputObject, Interface,
    Object, Result, Scalar, ScalarType, Schema, SimpleObject, Value,
};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use jiff::civil::Date;
use std::sync::{Arc, Mutex};
use store::{Company, DependentInput, EmployeeInput, Member, Store};

pub type HealthmovSchema = Schema<Query, Mutation, EmptySubscription>;

/// The most companies one page returns (the API documents this limit).
pub const MAX_COMPANIES: usize = 5;
/// Other connections' largest page.
pub const MAX_PAGE: usize = 100;

pub struct Healthmov {
    pub store: Mutex<Store>,
    pub tokens: auth::Tokens,
}

impl Healthmov {
    /// `tokens`: the login, made first (it is in the credentials); `today`: a fixed day to
    /// judge access on (tests), else the real one.
    pub fn new(seed: u64, tokens: auth::Tokens, today: Option<Date>) -> Healthmov {
        let mut store = generate(seed);
        store.reindex();
        store.today = today;
        Healthmov {
            store: Mutex::new(store),
            tokens,
        }
    }
}

pub fn schema(h: Arc<Healthmov>) -> HealthmovSchema {
    Schema::build(Query, Mutation, EmptySubscription)
        .register_output_type::<Node>()
        .data(h)
        .limit_depth(16)
        .finish()
}

pub fn sdl() -> String {
    Schema::build(Query, Mutation, EmptySubscription)
        .register_output_type::<Node>()
        .finish()
        .sdl()
}

fn today() -> Date {
    crate::clock::today()
}

/// Deterministic starting data: a dozen client companies with departments and staff.
fn generate(seed: u64) -> Store {
    use super::data::{FIRST_NAMES, LAST_NAMES, ORG_WORDS, rng};
    let mut r = rng(seed, 10, 0);
    let mut s = Store::default();
    let kinds = [
        "Logistics",
        "Foods",
        "Consulting",
        "Energy",
        "Retail",
        "Shipping",
    ];
    let depts = ["Operations", "Finance", "Sales", "People", "Engineering"];
    for c in 1..=12u32 {
        let name = format!(
            "{} {} A/S",
            ORG_WORDS[r.usize(..ORG_WORDS.len())],
            kinds[r.usize(..kinds.len())]
        );
        let on = Date::new(r.i16(2019..=2025), r.i8(1..=12), 1).expect("a first of the month");
        s.companies.push(Company {
            id: c,
            name: format!("{name} {c}"),
            brand: Some(name.split(' ').next().unwrap_or("").to_string()),
            logo_url: format!("https://cdn.example.com/logos/{c}.png"),
            external_id: Some(format!("CMP-{c:04}")),
            country: Some("DNK".into()),
            account_manager: Some(format!(
                "{} {}",
                FIRST_NAMES[r.usize(..FIRST_NAMES.len())],
                LAST_NAMES[r.usize(..LAST_NAMES.len())]
            )),
            onboarding: Some(on),
            offboarding: None,
        });
        for (k, dname) in depts.iter().take(r.usize(2..=4)).enumerate() {
            let d = s.departments.len() as u32 + 1;
            s.departments.push(store::Department {
                id: d,
                company: c,
                name: dname.to_string(),
                external_id: Some(format!("DEP-{c:04}-{k}")),
            });
            for n in 0..r.usize(4..=10) {
                let id = s.members.len() as u32 + 1;
                let (first, last) = (
                    FIRST_NAMES[r.usize(..FIRST_NAMES.len())],
                    LAST_NAMES[r.usize(..LAST_NAMES.len())],
                );
                let onboarding =
                    Date::new(r.i16(2020..=2027), r.i8(1..=12), r.i8(1..=28)).expect("day 1-28");
                let offboarding = (r.u8(0..100) < 10)
                    .then(|| onboarding.saturating_add(jiff::Span::new().days(r.i64(30..900))));
                s.members.push(Member {
                    id,
                    company: c,
                    department: Some(d),
                    parent: None,
                    employee_number: Some(format!("{c:03}{k}{n:04}")),
                    external_id: Some(format!("EXT-{id:06}")),
                    email: Some(
                        format!(
                            "{}.{}{id}@client{c}.example.com",
                            first.to_lowercase(),
                            last.to_lowercase()
                        )
                        .replace('ø', "oe")
                        .replace('æ', "ae")
                        .replace('å', "aa"),
                    ),
                    first_name: first.into(),
                    last_name: Some(last.into()),
                    phone: Some(format!("+45{:08}", r.u32(20_000_000..99_999_999))),
                    birthdate: Date::new(r.i16(1960..=2002), r.i8(1..=12), r.i8(1..=28)).ok(),
                    onboarding: Some(onboarding),
                    offboarding,
                });
                for _ in 0..r.usize(0..=2) {
                    let dep = s.members.len() as u32 + 1;
                    s.members.push(Member {
                        id: dep,
                        company: c,
                        department: Some(d),
                        parent: Some(id),
                        employee_number: None,
                        external_id: None,
                        email: None,
                        first_name: FIRST_NAMES[r.usize(..FIRST_NAMES.len())].into(),
                        last_name: Some(last.into()),
                        phone: None,
                        birthdate: Date::new(r.i16(1965..=2022), r.i8(1..=12), r.i8(1..=28)).ok(),
                        onboarding: Some(onboarding),
                        offboarding,
                    });
                }
            }
        }
    }
    s
}

// ---- scalars and ids ----

#[derive(Clone, Copy)]
pub struct DateScalar(pub Date);

#[Scalar(name = "Date")]
impl ScalarType for DateScalar {
    fn parse(value: Value) -> async_graphql::InputValueResult<Self> {
        match &value {
            Value::String(s) => s.parse::<Date>().map(DateScalar).map_err(|_| {
                async_graphql::InputValueError::custom(format!("`{s}` is not a date (YYYY-MM-DD)"))
            }),
            _ => Err(async_graphql::InputValueError::expected_type(value)),
        }
    }
    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

fn date(d: Option<Date>) -> Option<DateScalar> {
    d.map(DateScalar)
}

/// A point in time, written as Graphene writes an aware `datetime` (ISO 8601 with the UTC
/// offset: `2026-11-24T08:00:00+00:00`).
#[derive(Clone, Copy)]
pub struct DateTimeScalar(pub jiff::Timestamp);

#[Scalar(name = "DateTime")]
impl ScalarType for DateTimeScalar {
    fn parse(value: Value) -> async_graphql::InputValueResult<Self> {
        match &value {
            Value::String(s) => s.parse().map(DateTimeScalar).map_err(|_| {
                async_graphql::InputValueError::custom(format!(
                    "`{s}` is not a date and time with an offset"
                ))
            }),
            _ => Err(async_graphql::InputValueError::expected_type(value)),
        }
    }
    fn to_value(&self) -> Value {
        Value::String(self.0.strftime("%Y-%m-%dT%H:%M:%S%:z").to_string())
    }
}

/// A day the sandbox keeps as a date, as a `DateTime`: its start, in UTC.
fn start_of(d: Option<Date>) -> Option<DateTimeScalar> {
    d.and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
        .map(|z| DateTimeScalar(z.timestamp()))
}

pub fn global_id(kind: &str, id: u32) -> String {
    STANDARD.encode(format!("{kind}:{id}"))
}

/// Relay's `Node`: every object with a global id.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "&ID"))]
pub enum Node {
    CompanyNode(CompanyNode),
    DepartmentNode(DepartmentNode),
    EmployeeNode(EmployeeNode),
    DependentInfoNode(DependentInfoNode),
}

fn parse_id(kind: &str, field: &str, id: &str) -> Result<u32> {
    STANDARD
        .decode(id)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|s| {
            s.strip_prefix(&format!("{kind}:"))
                .and_then(|n| n.parse().ok())
        })
        .ok_or_else(|| invalid(format!("`{field}` is not a {kind} id")))
}

fn invalid(message: impl Into<String>) -> Error {
    Error::new(message.into()).extend_with(|_, e| e.set("code", "VALIDATION_ERROR"))
}

fn healthmov<'a>(ctx: &Context<'a>) -> &'a Arc<Healthmov> {
    ctx.data_unchecked::<Arc<Healthmov>>()
}

/// Every operation but login and refresh needs a valid access token.
fn require(ctx: &Context<'_>) -> Result<(String, String)> {
    match ctx.data_opt::<auth::Caller>() {
        Some(auth::Caller::Valid { user, session }) => Ok((user.clone(), session.clone())),
        Some(auth::Caller::Refused(why)) => Err(unauthenticated(why)),
        _ => Err(unauthenticated(
            "Log in first: send `Authorization: Bearer <access_token>`.",
        )),
    }
}

pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";

fn unauthenticated(why: &str) -> Error {
    Error::new(why).extend_with(|_, e| e.set("code", UNAUTHENTICATED))
}

// ---- connections ----

#[derive(SimpleObject, Clone)]
pub struct PageInfo {
    has_next_page: bool,
    has_previous_page: bool,
    start_cursor: Option<String>,
    end_cursor: Option<String>,
}

fn cursor(pos: usize) -> String {
    STANDARD.encode(format!("arrayconnection:{pos}"))
}

/// Relay slicing with `arrayconnection:N` cursors, page size capped at `max`.
fn slice<T: Clone>(
    items: &[T],
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
    max: usize,
) -> Result<(Vec<(String, T)>, PageInfo)> {
    let decode = |c: &str| -> Result<usize> {
        STANDARD
            .decode(c)
            .ok()
            .and_then(|b| String::from_utf8(b).ok())
            .and_then(|s| {
                s.strip_prefix("arrayconnection:")
                    .and_then(|n| n.parse().ok())
            })
            .ok_or_else(|| invalid("the cursor is not valid"))
    };
    let mut start = match after {
        Some(c) => decode(&c)? + 1,
        None => 0,
    }
    .min(items.len());
    let mut end = match before {
        Some(c) => decode(&c)?.min(items.len()),
        None => items.len(),
    }
    .max(start);
    let cap = |n: i32| (n.max(0) as usize).min(max);
    match (first, last) {
        (Some(f), _) => end = end.min(start + cap(f)),
        (None, Some(l)) => start = start.max(end.saturating_sub(cap(l))),
        (None, None) => end = end.min(start + max),
    }
    let edges: Vec<(String, T)> = (start..end)
        .map(|i| (cursor(i), items[i].clone()))
        .collect();
    let info = PageInfo {
        has_next_page: end < items.len(),
        has_previous_page: start > 0,
        start_cursor: edges.first().map(|e| e.0.clone()),
        end_cursor: edges.last().map(|e| e.0.clone()),
    };
    Ok((edges, info))
}

macro_rules! connection {
    ($conn:ident, $edge:ident, $node:ty) => {
        #[derive(SimpleObject)]
        pub struct $conn {
            total_count: Option<i32>,
            page_info: PageInfo,
            edges: Vec<Option<$edge>>,
        }

        #[derive(SimpleObject)]
        pub struct $edge {
            node: Option<$node>,
            cursor: String,
        }

        impl $conn {
            fn of(
                items: Vec<$node>,
                first: Option<i32>,
                after: Option<String>,
                last: Option<i32>,
                before: Option<String>,
                max: usize,
            ) -> Result<$conn> {
                let total = items.len() as i32;
                let (edges, page_info) = slice(&items, first, after, last, before, max)?;
                Ok($conn {
                    total_count: Some(total),
                    page_info,
                    edges: edges
                        .into_iter()
                        .map(|(cursor, node)| {
                            Some($edge {
                                node: Some(node),
                                cursor,
                            })
                        })
                        .collect(),
                })
            }
        }
    };
}

connection!(CompanyNodeConnection, CompanyNodeEdge, CompanyNode);
connection!(DepartmentNodeConnection, DepartmentNodeEdge, DepartmentNode);
connection!(EmployeeNodeConnection, EmployeeNodeEdge, EmployeeNode);
connection!(
    DependentInfoNodeConnection,
    DependentInfoNodeEdge,
    DependentInfoNode
);

// ---- nodes ----

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct CompanyNode {
    id: ID,
    name: Option<String>,
    brand: Option<String>,
    logo_url: Option<String>,
    external_id: Option<String>,
    country_alpha3_code: Option<String>,
    account_manager: Option<String>,
    date_of_onboarding: Option<DateScalar>,
    date_of_offboarding: Option<DateScalar>,
    #[graphql(skip)]
    key: u32,
}

impl From<&Company> for CompanyNode {
    fn from(c: &Company) -> Self {
        CompanyNode {
            id: ID(global_id("CompanyNode", c.id)),
            name: Some(c.name.clone()),
            brand: c.brand.clone(),
            logo_url: Some(c.logo_url.clone()),
            external_id: c.external_id.clone(),
            country_alpha3_code: c.country.clone(),
            account_manager: c.account_manager.clone(),
            date_of_onboarding: date(c.onboarding),
            date_of_offboarding: date(c.offboarding),
            key: c.id,
        }
    }
}

#[ComplexObject]
impl CompanyNode {
    async fn departments(
        &self,
        ctx: &Context<'_>,
        before: Option<String>,
        after: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<Option<DepartmentNodeConnection>> {
        let store = healthmov(ctx).store.lock().expect("store");
        let items = store
            .departments
            .iter()
            .filter(|d| d.company == self.key)
            .map(DepartmentNode::from)
            .collect();
        DepartmentNodeConnection::of(items, first, after, last, before, MAX_PAGE).map(Some)
    }
    async fn employees(
        &self,
        ctx: &Context<'_>,
        before: Option<String>,
        after: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<Option<EmployeeNodeConnection>> {
        let store = healthmov(ctx).store.lock().expect("store");
        let items = store
            .members
            .iter()
            .filter(|m| m.company == self.key && m.parent.is_none())
            .map(|m| EmployeeNode::new(&store, m))
            .collect();
        EmployeeNodeConnection::of(items, first, after, last, before, MAX_PAGE).map(Some)
    }
}

#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct DepartmentNode {
    id: ID,
    name: Option<String>,
    external_id: Option<String>,
    #[graphql(skip)]
    key: u32,
}

impl From<&store::Department> for DepartmentNode {
    fn from(d: &store::Department) -> Self {
        DepartmentNode {
            id: ID(global_id("DepartmentNode", d.id)),
            name: Some(d.name.clone()),
            external_id: d.external_id.clone(),
            key: d.id,
        }
    }
}

#[ComplexObject]
impl DepartmentNode {
    async fn employees(
        &self,
        ctx: &Context<'_>,
        before: Option<String>,
        after: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<Option<EmployeeNodeConnection>> {
        let store = healthmov(ctx).store.lock().expect("store");
        let items = store
            .members
            .iter()
            .filter(|m| m.department == Some(self.key) && m.parent.is_none())
            .map(|m| EmployeeNode::new(&store, m))
            .collect();
        EmployeeNodeConnection::of(items, first, after, last, before, MAX_PAGE).map(Some)
    }
}

/// Employees and dependents share this type, as in the API.
#[derive(SimpleObject, Clone)]
#[graphql(complex)]
pub struct EmployeeNode {
    id: ID,
    employee_number: Option<String>,
    external_id: Option<String>,
    email: Option<String>,
    first_name: Option<String>,
    last_name: Option<String>,
    phone_number: Option<String>,
    birthdate: Option<DateScalar>,
    date_of_onboarding: Option<DateScalar>,
    date_of_offboarding: Option<DateScalar>,
    /// When the person actually onboarded; null before the onboarding date (no access yet).
    /// The sandbox keeps the day: the start of it, in UTC.
    onboarded_at: Option<DateTimeScalar>,
    /// Sandbox contract: whether the person can use the service today.
    has_access: bool,
    #[graphql(skip)]
    key: u32,
    #[graphql(skip)]
    today: Date,
}

impl EmployeeNode {
    fn new(store: &Store, m: &Member) -> EmployeeNode {
        let today = store.today.unwrap_or_else(today);
        EmployeeNode {
            id: ID(global_id("EmployeeNode", m.id)),
            employee_number: m.employee_number.clone(),
            external_id: m.external_id.clone(),
            email: m.email.clone(),
            first_name: Some(m.first_name.clone()),
            last_name: m.last_name.clone(),
            phone_number: m.phone.clone(),
            birthdate: date(m.birthdate),
            date_of_onboarding: date(m.onboarding),
            date_of_offboarding: date(m.offboarding),
            onboarded_at: start_of(m.onboarded_at(today)),
            has_access: m.has_access(today),
            key: m.id,
            today,
        }
    }

    /// Counted only when asked for: a scan of all members.
    fn count_dependents(&self, ctx: &Context<'_>, keep: impl Fn(&Member) -> bool) -> i32 {
        let store = healthmov(ctx).store.lock().expect("store");
        store.dependents(self.key).filter(|d| keep(d)).count() as i32
    }
}

#[ComplexObject]
impl EmployeeNode {
    async fn nb_dependents(&self, ctx: &Context<'_>) -> Option<i32> {
        Some(self.count_dependents(ctx, |_| true))
    }
    async fn nb_dependents_onboarded(&self, ctx: &Context<'_>) -> Option<i32> {
        Some(self.count_dependents(ctx, |d| d.onboarded_at(self.today).is_some()))
    }
    async fn nb_dependents_offboarded(&self, ctx: &Context<'_>) -> Option<i32> {
        Some(self.count_dependents(ctx, |d| d.offboarding.is_some_and(|o| o < self.today)))
    }
    async fn dependents(
        &self,
        ctx: &Context<'_>,
        before: Option<String>,
        after: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<Option<EmployeeNodeConnection>> {
        let store = healthmov(ctx).store.lock().expect("store");
        let items = store
            .dependents(self.key)
            .map(|m| EmployeeNode::new(&store, m))
            .collect();
        EmployeeNodeConnection::of(items, first, after, last, before, MAX_PAGE).map(Some)
    }
    async fn dependents_infos(
        &self,
        ctx: &Context<'_>,
        before: Option<String>,
        after: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<Option<DependentInfoNodeConnection>> {
        let store = healthmov(ctx).store.lock().expect("store");
        let items = store
            .dependents(self.key)
            .map(|m| DependentInfoNode {
                id: ID(global_id("DependentInfoNode", m.id)),
                first_name: Some(m.first_name.clone()),
                last_name: m.last_name.clone(),
                birthdate: date(m.birthdate),
            })
            .collect();
        DependentInfoNodeConnection::of(items, first, after, last, before, MAX_PAGE).map(Some)
    }
}

#[derive(SimpleObject, Clone)]
pub struct DependentInfoNode {
    id: ID,
    first_name: Option<String>,
    last_name: Option<String>,
    birthdate: Option<DateScalar>,
}

// ---- queries ----

pub struct Query;

#[Object]
impl Query {
    /// At most 5 companies a page.
    async fn companies(
        &self,
        ctx: &Context<'_>,
        before: Option<String>,
        after: Option<String>,
        first: Option<i32>,
        last: Option<i32>,
    ) -> Result<Option<CompanyNodeConnection>> {
        require(ctx)?;
        let store = healthmov(ctx).store.lock().expect("store");
        let items = store.companies.iter().map(CompanyNode::from).collect();
        CompanyNodeConnection::of(items, first, after, last, before, MAX_COMPANIES).map(Some)
    }

    /// Lookup by the caller's own external id.
    async fn search_employee(
        &self,
        ctx: &Context<'_>,
        external_id: String,
    ) -> Result<Option<EmployeeNode>> {
        require(ctx)?;
        let store = healthmov(ctx).store.lock().expect("store");
        Ok(store
            .members
            .iter()
            .find(|m| m.external_id.as_deref() == Some(&external_id))
            .map(|m| EmployeeNode::new(&store, m)))
    }

    async fn search_department(
        &self,
        ctx: &Context<'_>,
        external_id: String,
    ) -> Result<Option<DepartmentNode>> {
        require(ctx)?;
        let store = healthmov(ctx).store.lock().expect("store");
        Ok(store
            .departments
            .iter()
            .find(|d| d.external_id.as_deref() == Some(&external_id))
            .map(DepartmentNode::from))
    }

    async fn search_company(
        &self,
        ctx: &Context<'_>,
        external_id: String,
    ) -> Result<Option<CompanyNode>> {
        require(ctx)?;
        let store = healthmov(ctx).store.lock().expect("store");
        Ok(store
            .companies
            .iter()
            .find(|c| c.external_id.as_deref() == Some(&external_id))
            .map(CompanyNode::from))
    }
}

// ---- mutations ----

/// The tokens `login` and `refreshToken` answer with (the same fields, each its own type).
macro_rules! token_payload {
    ($name:ident) => {
        #[derive(SimpleObject, Default)]
        pub struct $name {
            ok: Option<bool>,
            access_token: Option<String>,
            access_token_expiration_date: Option<DateTimeScalar>,
            refresh_token: Option<String>,
            refresh_token_expiration_date: Option<DateTimeScalar>,
        }

        impl From<auth::Issued> for $name {
            fn from(i: auth::Issued) -> Self {
                $name {
                    ok: Some(true),
                    access_token: Some(i.access),
                    access_token_expiration_date: Some(DateTimeScalar(i.access_expires)),
                    refresh_token: Some(i.refresh),
                    refresh_token_expiration_date: Some(DateTimeScalar(i.refresh_expires)),
                }
            }
        }
    };
}

token_payload!(LoginPayload);
token_payload!(RefreshTokenPayload);

#[derive(SimpleObject)]
pub struct LogoutPayload {
    ok: Option<bool>,
}

/// A mutation's answer: one object under one field, a type of its own per mutation.
macro_rules! payload {
    ($name:ident, $field:ident: $node:ty) => {
        #[derive(SimpleObject)]
        pub struct $name {
            $field: Option<$node>,
        }
    };
}

payload!(CreateCompanyPayload, company: CompanyNode);
payload!(CreateOrUpdateCompanyPayload, company: CompanyNode);
payload!(CreateDepartmentPayload, department: DepartmentNode);
payload!(CreateOrUpdateEmployeePayload, employee: EmployeeNode);
payload!(AddOrUpdateDependentPayload, employee: EmployeeNode);
payload!(SetOffboardingDatePayload, employee: EmployeeNode);

#[derive(InputObject)]
pub struct InputDependentObject {
    first_name: String,
    last_name: Option<String>,
    birthdate: DateScalar,
    external_id: Option<String>,
    email: Option<String>,
    date_of_onboarding: Option<DateScalar>,
    date_of_offboarding: Option<DateScalar>,
}

/// The refresh token travels as the argument or, as the documented operation sends none, in
/// the Authorization header (`Bearer <refresh_token>`).
#[derive(Clone, Default)]
pub struct RawAuthorization(pub Option<String>);

pub struct Mutation;

fn saved<T>(r: std::result::Result<T, store::Invalid>) -> Result<T> {
    r.map_err(|e| invalid(e.0))
}

#[Object]
impl Mutation {
    async fn login(
        &self,
        ctx: &Context<'_>,
        username: String,
        password: String,
    ) -> Result<Option<LoginPayload>> {
        match healthmov(ctx).tokens.login(&username, &password) {
            Some(issued) => Ok(Some(issued.into())),
            None => Err(Error::new("Please enter valid credentials")
                .extend_with(|_, e| e.set("code", "INVALID_CREDENTIALS"))),
        }
    }

    async fn logout(&self, ctx: &Context<'_>) -> Result<Option<LogoutPayload>> {
        let (_, session) = require(ctx)?;
        healthmov(ctx).tokens.logout(&session);
        Ok(Some(LogoutPayload { ok: Some(true) }))
    }

    async fn refresh_token(
        &self,
        ctx: &Context<'_>,
        refresh_token: Option<String>,
    ) -> Result<Option<RefreshTokenPayload>> {
        let from_header = ctx.data_opt::<RawAuthorization>().and_then(|a| a.0.clone());
        let Some(token) = refresh_token.or(from_header) else {
            return Err(unauthenticated(
                "Send the refresh token as `refreshToken` or as `Authorization: Bearer <refresh_token>`.",
            ));
        };
        healthmov(ctx)
            .tokens
            .refresh(&token)
            .map(|i| Some(i.into()))
            .map_err(unauthenticated)
    }

    async fn create_company(
        &self,
        ctx: &Context<'_>,
        company_name: String,
        logo_url: String,
        external_id: Option<String>,
        country_alpha3_code: Option<String>,
        account_manager: Option<String>,
    ) -> Result<Option<CreateCompanyPayload>> {
        require(ctx)?;
        let c = Company {
            id: 0,
            name: company_name,
            brand: None,
            logo_url,
            external_id,
            country: country_alpha3_code,
            account_manager,
            onboarding: None,
            offboarding: None,
        };
        let saved = saved(
            healthmov(ctx)
                .store
                .lock()
                .expect("store")
                .save_company(c, false),
        )?;
        Ok(Some(CreateCompanyPayload {
            company: Some((&saved).into()),
        }))
    }

    #[allow(clippy::too_many_arguments)]
    async fn create_or_update_company(
        &self,
        ctx: &Context<'_>,
        company_name: String,
        logo_url: String,
        external_id: Option<String>,
        date_of_onboarding: Option<DateScalar>,
        date_of_offboarding: Option<DateScalar>,
        country_alpha3_code: Option<String>,
        account_manager: Option<String>,
    ) -> Result<Option<CreateOrUpdateCompanyPayload>> {
        require(ctx)?;
        let c = Company {
            id: 0,
            name: company_name,
            brand: None,
            logo_url,
            external_id,
            country: country_alpha3_code,
            account_manager,
            onboarding: date_of_onboarding.map(|d| d.0),
            offboarding: date_of_offboarding.map(|d| d.0),
        };
        let saved = saved(
            healthmov(ctx)
                .store
                .lock()
                .expect("store")
                .save_company(c, true),
        )?;
        Ok(Some(CreateOrUpdateCompanyPayload {
            company: Some((&saved).into()),
        }))
    }

    async fn create_department(
        &self,
        ctx: &Context<'_>,
        company_id: async_graphql::ID,
        department_name: String,
        external_id: Option<String>,
    ) -> Result<Option<CreateDepartmentPayload>> {
        require(ctx)?;
        let company = parse_id("CompanyNode", "companyId", &company_id)?;
        let d = saved(
            healthmov(ctx)
                .store
                .lock()
                .expect("store")
                .create_department(company, &department_name, external_id),
        )?;
        Ok(Some(CreateDepartmentPayload {
            department: Some((&d).into()),
        }))
    }

    /// Upsert keyed by (company, employeeNumber).
    #[allow(clippy::too_many_arguments)]
    async fn create_or_update_employee(
        &self,
        ctx: &Context<'_>,
        company_id: async_graphql::ID,
        department_id: async_graphql::ID,
        email: String,
        phone_number: Option<String>,
        first_name: String,
        last_name: String,
        employee_number: String,
        date_of_onboarding: DateScalar,
        date_of_offboarding: Option<DateScalar>,
        dependents: Option<Vec<Option<InputDependentObject>>>,
        external_id: Option<String>,
        birthdate: Option<DateScalar>,
    ) -> Result<Option<CreateOrUpdateEmployeePayload>> {
        require(ctx)?;
        let input = EmployeeInput {
            company: parse_id("CompanyNode", "companyId", &company_id)?,
            department: parse_id("DepartmentNode", "departmentId", &department_id)?,
            email,
            phone: phone_number,
            first_name,
            last_name,
            employee_number,
            onboarding: date_of_onboarding.0,
            offboarding: date_of_offboarding.map(|d| d.0),
            dependents: dependents.map(|ds| {
                ds.into_iter()
                    .flatten()
                    .map(|d| DependentInput {
                        first_name: d.first_name,
                        last_name: d.last_name,
                        birthdate: d.birthdate.0,
                        external_id: d.external_id,
                        email: d.email,
                        onboarding: d.date_of_onboarding.map(|x| x.0),
                        offboarding: d.date_of_offboarding.map(|x| x.0),
                    })
                    .collect()
            }),
            external_id,
            birthdate: birthdate.map(|d| d.0),
        };
        let mut store = healthmov(ctx).store.lock().expect("store");
        let m = saved(store.save_employee(input))?;
        Ok(Some(CreateOrUpdateEmployeePayload {
            employee: Some(EmployeeNode::new(&store, &m)),
        }))
    }

    #[allow(clippy::too_many_arguments)]
    async fn add_or_update_dependent(
        &self,
        ctx: &Context<'_>,
        birthdate: DateScalar,
        parent_email: String,
        dependent_email: String,
        dependent_first_name: String,
        dependent_last_name: String,
        dependent_phone: Option<String>,
        external_id: Option<String>,
        date_of_onboarding: Option<DateScalar>,
        date_of_offboarding: Option<DateScalar>,
    ) -> Result<Option<AddOrUpdateDependentPayload>> {
        require(ctx)?;
        let mut store = healthmov(ctx).store.lock().expect("store");
        let parent = saved(store.save_dependent(
            &parent_email,
            &dependent_email,
            &dependent_first_name,
            &dependent_last_name,
            dependent_phone,
            birthdate.0,
            external_id,
            date_of_onboarding.map(|d| d.0),
            date_of_offboarding.map(|d| d.0),
        ))?;
        Ok(Some(AddOrUpdateDependentPayload {
            employee: Some(EmployeeNode::new(&store, &parent)),
        }))
    }

    async fn set_offboarding_date(
        &self,
        ctx: &Context<'_>,
        employee_id: async_graphql::ID,
        date_of_offboarding: DateScalar,
    ) -> Result<Option<SetOffboardingDatePayload>> {
        require(ctx)?;
        let id = parse_id("EmployeeNode", "employeeId", &employee_id)?;
        let mut store = healthmov(ctx).store.lock().expect("store");
        let m = saved(store.set_offboarding(id, date_of_offboarding.0))?;
        Ok(Some(SetOffboardingDatePayload {
            employee: Some(EmployeeNode::new(&store, &m)),
        }))
    }
}
