//! The Unioo Bank API, as the sandbox serves it: GraphQL over HTTP POST with bearer JWTs.
//!
//! Field names follow the public documentation (seed 000); paging, sorting and filtering follow
//! the HotChocolate conventions the API is built on (`first/after/last/before`, `order`, `where`).

use super::data::{self, World};
use super::faults::Faults;
use super::paging::{self, Window};
use super::review::{self, Review, Verdict};
use super::staff::Staff;
use async_graphql::{
    ComplexObject, Context, EmptySubscription, Enum, Error, ErrorExtensions, InputObject,
    Interface, Object, Result, Scalar, ScalarType, Schema, SimpleObject, Value,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub type UniooSchema = Schema<Query, Mutation, EmptySubscription>;

/// Largest page `users` and `employees` hand out.
pub const MAX_PAGE: usize = 100;
/// Page size when the caller names none.
pub const DEFAULT_PAGE: usize = 10;

pub fn schema(world: Arc<World>, review: Arc<Review>, faults: Arc<Faults>) -> UniooSchema {
    let staff = Arc::new(Staff::new(&world.employees));
    Schema::build(Query, Mutation, EmptySubscription)
        .data(staff)
        .data(world)
        .data(review)
        .data(faults)
        .limit_depth(16)
        .limit_complexity(20_000)
        .finish()
}

/// The schema as SDL, the source of `schemas/unioo.graphql`.
pub fn sdl() -> String {
    Schema::build(Query, Mutation, EmptySubscription)
        .finish()
        .sdl()
}

fn world<'a>(ctx: &Context<'a>) -> &'a Arc<World> {
    ctx.data_unchecked::<Arc<World>>()
}

/// Set by a mutation when an armed fault says its response is to be lost.
#[derive(Clone, Default)]
pub struct DropMarker(pub Arc<AtomicBool>);

impl DropMarker {
    pub fn is_set(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// A person as the API shows them now: generated data plus recorded decisions.
fn user(ctx: &Context<'_>, idx: u32) -> User {
    let mut rec = world(ctx).person(idx);
    if let Some(review) = ctx.data_opt::<Arc<Review>>() {
        review.apply(&mut rec);
    }
    User { rec: Arc::new(rec) }
}

// ---- scalars ----

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct UuidScalar(pub uuid::Uuid);

#[Scalar(name = "UUID")]
impl ScalarType for UuidScalar {
    fn parse(value: Value) -> async_graphql::InputValueResult<Self> {
        match &value {
            Value::String(s) => {
                Ok(UuidScalar(s.parse::<uuid::Uuid>().map_err(|_| {
                    async_graphql::InputValueError::custom("not a UUID")
                })?))
            }
            _ => Err(async_graphql::InputValueError::expected_type(value)),
        }
    }
    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

#[derive(Clone, Copy)]
pub struct DateTime(pub jiff::Timestamp);

#[Scalar(name = "DateTime")]
impl ScalarType for DateTime {
    fn parse(value: Value) -> async_graphql::InputValueResult<Self> {
        match &value {
            Value::String(s) => Ok(DateTime(s.parse::<jiff::Timestamp>().map_err(|_| {
                async_graphql::InputValueError::custom("not an ISO 8601 date-time")
            })?)),
            _ => Err(async_graphql::InputValueError::expected_type(value)),
        }
    }
    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

fn dt(t: jiff::Timestamp) -> Option<DateTime> {
    Some(DateTime(t))
}

// ---- paging, sorting, filtering ----

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum SortEnumType {
    Asc,
    Desc,
}

#[derive(InputObject)]
pub struct UserSortInput {
    id: Option<SortEnumType>,
    name: Option<SortEnumType>,
}

#[derive(InputObject)]
pub struct EmployeeSortInput {
    id: Option<SortEnumType>,
    name: Option<SortEnumType>,
}

#[derive(InputObject)]
pub struct UuidOperationFilterInput {
    eq: Option<UuidScalar>,
    neq: Option<UuidScalar>,
    #[graphql(name = "in")]
    within: Option<Vec<Option<UuidScalar>>>,
    nin: Option<Vec<Option<UuidScalar>>>,
}

impl UuidOperationFilterInput {
    fn matches(&self, id: uuid::Uuid) -> bool {
        let hit = |list: &Option<Vec<Option<UuidScalar>>>| {
            list.as_ref().map(|l| l.iter().flatten().any(|u| u.0 == id))
        };
        self.eq.is_none_or(|u| u.0 == id)
            && self.neq.is_none_or(|u| u.0 != id)
            && hit(&self.within).unwrap_or(true)
            && !hit(&self.nin).unwrap_or(false)
    }
}

#[derive(InputObject)]
pub struct UserFilterInput {
    and: Option<Vec<UserFilterInput>>,
    or: Option<Vec<UserFilterInput>>,
    id: Option<UuidOperationFilterInput>,
}

#[derive(InputObject)]
pub struct EmployeeFilterInput {
    and: Option<Vec<EmployeeFilterInput>>,
    or: Option<Vec<EmployeeFilterInput>>,
    id: Option<UuidOperationFilterInput>,
}

/// Both filter inputs have the same shape; one evaluator serves them.
trait IdFilter {
    fn parts(
        &self,
    ) -> (
        &Option<Vec<Self>>,
        &Option<Vec<Self>>,
        &Option<UuidOperationFilterInput>,
    )
    where
        Self: Sized;
    fn matches(&self, id: uuid::Uuid) -> bool
    where
        Self: Sized,
    {
        let (and, or, own) = self.parts();
        and.as_ref()
            .is_none_or(|all| all.iter().all(|f| f.matches(id)))
            && or
                .as_ref()
                .is_none_or(|any| any.iter().any(|f| f.matches(id)))
            && own.as_ref().is_none_or(|f| f.matches(id))
    }
}

impl IdFilter for UserFilterInput {
    fn parts(
        &self,
    ) -> (
        &Option<Vec<Self>>,
        &Option<Vec<Self>>,
        &Option<UuidOperationFilterInput>,
    ) {
        (&self.and, &self.or, &self.id)
    }
}

impl IdFilter for EmployeeFilterInput {
    fn parts(
        &self,
    ) -> (
        &Option<Vec<Self>>,
        &Option<Vec<Self>>,
        &Option<UuidOperationFilterInput>,
    ) {
        (&self.and, &self.or, &self.id)
    }
}

#[derive(SimpleObject, Clone)]
pub struct PageInfo {
    has_next_page: bool,
    has_previous_page: bool,
    start_cursor: Option<String>,
    end_cursor: Option<String>,
}

impl From<&Window> for PageInfo {
    fn from(w: &Window) -> Self {
        PageInfo {
            has_next_page: w.has_next,
            has_previous_page: w.has_previous,
            start_cursor: w.range.clone().next().map(paging::cursor),
            end_cursor: w.range.clone().next_back().map(paging::cursor),
        }
    }
}

pub struct UsersConnection {
    ids: Vec<u32>,
    window: Window,
}

#[derive(SimpleObject)]
pub struct UsersEdge {
    cursor: String,
    node: User,
}

#[Object]
impl UsersConnection {
    async fn page_info(&self) -> PageInfo {
        PageInfo::from(&self.window)
    }
    async fn edges(&self, ctx: &Context<'_>) -> Option<Vec<UsersEdge>> {
        Some(
            self.window
                .range
                .clone()
                .map(|pos| UsersEdge {
                    cursor: paging::cursor(pos),
                    node: user(ctx, self.ids[pos]),
                })
                .collect(),
        )
    }
    async fn nodes(&self, ctx: &Context<'_>) -> Option<Vec<User>> {
        Some(
            self.window
                .range
                .clone()
                .map(|pos| user(ctx, self.ids[pos]))
                .collect(),
        )
    }
    async fn total_count(&self) -> i32 {
        self.ids.len() as i32
    }
}

pub struct EmployeesConnection {
    total: usize,
    window: Window,
    /// The employees in the window, in order.
    page: Vec<data::EmployeeRecord>,
}

#[derive(SimpleObject)]
pub struct EmployeesEdge {
    cursor: String,
    node: Employee,
}

#[Object]
impl EmployeesConnection {
    async fn page_info(&self) -> PageInfo {
        PageInfo::from(&self.window)
    }
    async fn edges(&self) -> Option<Vec<EmployeesEdge>> {
        Some(
            self.window
                .range
                .clone()
                .zip(&self.page)
                .map(|(pos, rec)| EmployeesEdge {
                    cursor: paging::cursor(pos),
                    node: Employee { rec: rec.clone() },
                })
                .collect(),
        )
    }
    async fn nodes(&self) -> Option<Vec<Employee>> {
        Some(
            self.page
                .iter()
                .map(|rec| Employee { rec: rec.clone() })
                .collect(),
        )
    }
    async fn total_count(&self) -> i32 {
        self.total as i32
    }
}

/// The ordering an `order` argument asks for: by name unless only `id` is named.
fn ordered<'a>(
    by_name: &'a [u32],
    by_id: &'a [u32],
    order: Option<(Option<SortEnumType>, Option<SortEnumType>)>,
) -> Box<dyn Iterator<Item = u32> + 'a> {
    let (list, dir) = match order {
        Some((_, Some(d))) => (by_name, d),
        Some((Some(d), None)) => (by_id, d),
        _ => (by_name, SortEnumType::Asc),
    };
    match dir {
        SortEnumType::Asc => Box::new(list.iter().copied()),
        SortEnumType::Desc => Box::new(list.iter().rev().copied()),
    }
}

type Paging = (Option<i32>, Option<String>, Option<i32>, Option<String>);

/// The sorted, filtered ids of a list and the page of them asked for.
fn select(
    by_name: &[u32],
    by_id: &[u32],
    order: Option<(Option<SortEnumType>, Option<SortEnumType>)>,
    keep: impl Fn(u32) -> bool,
    (first, after, last, before): Paging,
) -> Result<(Vec<u32>, Window)> {
    let ids: Vec<u32> = ordered(by_name, by_id, order)
        .filter(|&i| keep(i))
        .collect();
    let window = window(ids.len(), first, after, last, before)?;
    Ok((ids, window))
}

fn window(
    len: usize,
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> Result<Window> {
    paging::window(
        len,
        first,
        after.as_deref(),
        last,
        before.as_deref(),
        DEFAULT_PAGE,
        MAX_PAGE,
    )
    .map_err(Error::new)
}

// ---- queries ----

pub struct Query;

#[Object]
impl Query {
    /// Users with active administrator memberships in the caller's bank's organizations.
    #[allow(clippy::too_many_arguments)]
    async fn users(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        order: Option<Vec<UserSortInput>>,
        #[graphql(name = "where")] filter: Option<UserFilterInput>,
    ) -> Result<Option<UsersConnection>> {
        let w = world(ctx);
        let order = order
            .and_then(|o| o.into_iter().next())
            .map(|o| (o.id, o.name));
        let matches = |i: u32| {
            filter
                .as_ref()
                .is_none_or(|f| f.matches(w.people[i as usize].id))
        };
        let (ids, window) = select(
            &w.users_by_name,
            &w.users_by_id,
            order,
            matches,
            (first, after, last, before),
        )?;
        Ok(Some(UsersConnection { ids, window }))
    }

    /// Usually zero or one element; empty when the user is not visible to the bank.
    async fn user_by_id(&self, ctx: &Context<'_>, user_id: UuidScalar) -> Vec<User> {
        let w = world(ctx);
        w.index_of(&user_id.0)
            .map(|i| user(ctx, i))
            .into_iter()
            .collect()
    }

    /// One element per visible id; unknown ids are simply absent.
    async fn users_by_id(&self, ctx: &Context<'_>, user_ids: Vec<UuidScalar>) -> Vec<User> {
        let w = world(ctx);
        user_ids
            .iter()
            .filter_map(|id| w.index_of(&id.0))
            .map(|i| user(ctx, i))
            .collect()
    }

    /// Matches the SSN whatever its format (with or without the dash, spaces).
    async fn users_by_ssn(&self, ctx: &Context<'_>, ssn: String) -> Vec<User> {
        let w = world(ctx);
        let digits: Vec<u8> = ssn
            .bytes()
            .filter(u8::is_ascii_digit)
            .map(|b| b - b'0')
            .collect();
        let Ok(digits) = <[u8; 10]>::try_from(digits.as_slice()) else {
            return Vec::new();
        };
        w.by_cpr(&digits).iter().map(|&i| user(ctx, i)).collect()
    }

    /// Sandbox contract: pending legitimation documents across users, oldest first.
    async fn review_queue(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        kind: Option<DocumentKind>,
        #[graphql(desc = "Only documents submitted at least this many days ago.")]
        min_age_days: Option<i32>,
    ) -> Result<ReviewQueueConnection> {
        let w = world(ctx);
        let review = ctx.data_unchecked::<Arc<Review>>();
        let created_before = match min_age_days {
            Some(d) if d < 0 => return Err(Error::new("`minAgeDays` cannot be negative")),
            Some(d) => jiff::Timestamp::now()
                .checked_sub(jiff::SignedDuration::from_hours(24 * i64::from(d)))
                .ok(),
            None => None,
        };
        let items = review.pending(
            w,
            kind.map(|k| k == DocumentKind::PhotoLegitimation),
            created_before,
        );
        let window = window(items.len(), first, after, None, None)?;
        Ok(ReviewQueueConnection { items, window })
    }

    /// Staff of the caller's bank.
    #[allow(clippy::too_many_arguments)]
    async fn employees(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
        order: Option<Vec<EmployeeSortInput>>,
        #[graphql(name = "where")] filter: Option<EmployeeFilterInput>,
    ) -> Result<Option<EmployeesConnection>> {
        let (list, by_name, by_id) = ctx.data_unchecked::<Arc<Staff>>().snapshot();
        let order = order
            .and_then(|o| o.into_iter().next())
            .map(|o| (o.id, o.name));
        let matches = |i: u32| {
            filter
                .as_ref()
                .is_none_or(|f| f.matches(list[i as usize].id))
        };
        let (ids, window) = select(
            &by_name,
            &by_id,
            order,
            matches,
            (first, after, last, before),
        )?;
        let page = window
            .range
            .clone()
            .map(|pos| list[ids[pos] as usize].clone())
            .collect();
        Ok(Some(EmployeesConnection {
            total: ids.len(),
            window,
            page,
        }))
    }
}

// ---- people ----

pub struct User {
    rec: Arc<data::PersonRecord>,
}

#[Object]
impl User {
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.rec.id)
    }
    async fn firstname(&self) -> Option<&str> {
        Some(self.rec.first_name)
    }
    async fn lastname(&self) -> Option<&str> {
        Some(self.rec.last_name)
    }
    async fn email(&self) -> Option<&str> {
        Some(&self.rec.email)
    }
    async fn phone_number(&self) -> Option<&str> {
        Some(&self.rec.phone)
    }
    async fn is_exempt_from_digital_signatures(&self) -> Option<bool> {
        Some(self.rec.exempt_from_digital_signatures)
    }
    #[graphql(deprecation = "Use addressEntity.")]
    async fn address(&self) -> Option<String> {
        Some(format!(
            "{} {}",
            self.rec.address.street, self.rec.address.house
        ))
    }
    #[graphql(deprecation = "Use addressEntity.")]
    async fn postal_code(&self) -> Option<&str> {
        Some(self.rec.address.postal_code)
    }
    #[graphql(deprecation = "Use addressEntity.")]
    async fn city(&self) -> Option<&str> {
        Some(self.rec.address.city)
    }
    #[graphql(deprecation = "Use addressEntity.")]
    async fn country(&self) -> Option<&str> {
        Some("DK")
    }
    async fn address_entity(&self) -> Option<Address> {
        let a = &self.rec.address;
        Some(Address {
            street_name: Some(a.street.into()),
            house_number_and_letter: Some(a.house.clone()),
            postal_code: Some(a.postal_code.into()),
            city: Some(a.city.into()),
            country: Some(Country::denmark()),
        })
    }
    async fn legal_entity(&self) -> Option<LegalEntity> {
        Some(LegalEntity {
            rec: self.rec.clone(),
        })
    }
    async fn marketing_consent(&self) -> Option<bool> {
        Some(self.rec.marketing_consent)
    }
    async fn politically_exposed_person(&self) -> Option<PoliticallyExposedPerson> {
        Some(PoliticallyExposedPerson {
            pep_response: Some(self.rec.pep.0.into()),
            pep_reason: self.rec.pep.1.map(Into::into),
        })
    }
    async fn current_photo_legitimation(&self) -> Option<PhotoLegitimation> {
        self.rec.photo.as_ref().map(PhotoLegitimation::new)
    }
    async fn current_social_security_card(&self) -> Option<SocialSecurityCard> {
        self.rec
            .social_security_card
            .as_ref()
            .map(|d| SocialSecurityCard::new(d, data::SOCIAL_SECURITY_CARD_PNG))
    }
    async fn administrators(&self, ctx: &Context<'_>) -> Vec<Administrator> {
        let w = world(ctx);
        self.rec
            .orgs
            .iter()
            .map(|&o| Administrator::new(w.administrator(self.rec.idx, o)))
            .collect()
    }
}

#[derive(SimpleObject)]
pub struct PoliticallyExposedPerson {
    pep_response: Option<String>,
    pep_reason: Option<String>,
}

#[derive(SimpleObject)]
pub struct Address {
    street_name: Option<String>,
    house_number_and_letter: Option<String>,
    postal_code: Option<String>,
    city: Option<String>,
    country: Option<Country>,
}

#[derive(SimpleObject, Clone)]
pub struct Country {
    alpha2: Option<String>,
    name: Option<String>,
}

impl Country {
    fn denmark() -> Country {
        Country::from(&data::CountryRecord {
            alpha2: "DK",
            name: "Denmark",
        })
    }
}

impl From<&data::CountryRecord> for Country {
    fn from(c: &data::CountryRecord) -> Self {
        Country {
            alpha2: Some(c.alpha2.into()),
            name: Some(c.name.into()),
        }
    }
}

pub struct Employee {
    rec: data::EmployeeRecord,
}

#[Object]
impl Employee {
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.rec.id)
    }
    async fn external_id(&self) -> Option<&str> {
        Some(&self.rec.external_id)
    }
    async fn email(&self) -> Option<&str> {
        Some(&self.rec.email)
    }
    async fn first_name(&self) -> Option<&str> {
        Some(&self.rec.first_name)
    }
    async fn last_name(&self) -> Option<&str> {
        Some(&self.rec.last_name)
    }
    async fn creation_date(&self) -> Option<DateTime> {
        dt(self.rec.created)
    }
    async fn last_login_time(&self) -> Option<DateTime> {
        self.rec.last_login.map(DateTime)
    }
    async fn roles(&self) -> Option<Vec<Option<BankEmployeeRole>>> {
        Some(
            self.rec
                .roles
                .iter()
                .map(|r| match *r {
                    "CAN_EDIT_EMPLOYEES" => Some(BankEmployeeRole::CanEditEmployees),
                    _ => Some(BankEmployeeRole::CanRejectBankPackages),
                })
                .collect(),
        )
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum BankEmployeeRole {
    CanRejectBankPackages,
    CanEditEmployees,
}

// ---- administrators ----

#[derive(Interface)]
#[graphql(
    field(name = "id", ty = "&UuidScalar"),
    field(name = "organization", ty = "&Option<Organization>"),
    field(
        name = "allowEBoksCommunicationFromBank",
        method = "allow_e_boks_communication_from_bank",
        ty = "&Option<bool>"
    ),
    field(name = "attorneys", ty = "&Option<Vec<Option<Attorney>>>")
)]
pub enum Administrator {
    BoardMember(BoardMember),
    ExternalAdministrator(ExternalAdministrator),
}

impl Administrator {
    fn new(rec: data::AdminRecord) -> Administrator {
        let id = UuidScalar(rec.id);
        let organization = Some(Organization { org: rec.org });
        let eboks = Some(rec.eboks);
        let person = rec.person;
        let attorneys = Some(Vec::new());
        if rec.board_member {
            Administrator::BoardMember(BoardMember {
                id,
                organization,
                allow_e_boks_communication_from_bank: eboks,
                attorneys,
                is_authorized_signatory: Some(rec.authorized_signatory),
                board_member_roles: Some(
                    rec.roles
                        .iter()
                        .map(|r| {
                            Some(BoardMemberRole {
                                role: BoardMemberRoles::from_code(r.role),
                                assigned_date: dt(r.assigned),
                                resigned_date: r.resigned.map(DateTime),
                            })
                        })
                        .collect(),
                ),
                person,
            })
        } else {
            Administrator::ExternalAdministrator(ExternalAdministrator {
                id,
                organization,
                allow_e_boks_communication_from_bank: eboks,
                attorneys,
                external_administrator_roles: Some(
                    rec.roles
                        .iter()
                        .map(|r| {
                            Some(ExternalAdministratorRole {
                                role: Some(if r.role == "CEO" {
                                    ExternalAdministratorRoles::Ceo
                                } else {
                                    ExternalAdministratorRoles::Accountant
                                }),
                                assigned_date: dt(r.assigned),
                                resigned_date: r.resigned.map(DateTime),
                            })
                        })
                        .collect(),
                ),
                person,
            })
        }
    }
}

#[derive(SimpleObject)]
#[graphql(complex)]
pub struct BoardMember {
    id: UuidScalar,
    organization: Option<Organization>,
    #[graphql(name = "allowEBoksCommunicationFromBank")]
    allow_e_boks_communication_from_bank: Option<bool>,
    attorneys: Option<Vec<Option<Attorney>>>,
    is_authorized_signatory: Option<bool>,
    board_member_roles: Option<Vec<Option<BoardMemberRole>>>,
    #[graphql(skip)]
    person: u32,
}

#[ComplexObject]
impl BoardMember {
    async fn user(&self, ctx: &Context<'_>) -> Option<User> {
        Some(user(ctx, self.person))
    }
}

#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ExternalAdministrator {
    id: UuidScalar,
    organization: Option<Organization>,
    #[graphql(name = "allowEBoksCommunicationFromBank")]
    allow_e_boks_communication_from_bank: Option<bool>,
    attorneys: Option<Vec<Option<Attorney>>>,
    external_administrator_roles: Option<Vec<Option<ExternalAdministratorRole>>>,
    #[graphql(skip)]
    person: u32,
}

#[ComplexObject]
impl ExternalAdministrator {
    async fn user(&self, ctx: &Context<'_>) -> Option<User> {
        Some(user(ctx, self.person))
    }
}

#[derive(SimpleObject)]
pub struct BoardMemberRole {
    role: Option<BoardMemberRoles>,
    assigned_date: Option<DateTime>,
    resigned_date: Option<DateTime>,
}

#[derive(SimpleObject)]
pub struct ExternalAdministratorRole {
    role: Option<ExternalAdministratorRoles>,
    assigned_date: Option<DateTime>,
    resigned_date: Option<DateTime>,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum BoardMemberRoles {
    ChairMan,
    Cashier,
    Secretary,
    BoardMember,
}

impl BoardMemberRoles {
    fn from_code(code: &str) -> Option<Self> {
        Some(match code {
            "CHAIR_MAN" => Self::ChairMan,
            "CASHIER" => Self::Cashier,
            "SECRETARY" => Self::Secretary,
            _ => Self::BoardMember,
        })
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum ExternalAdministratorRoles {
    Ceo,
    Accountant,
}

/// Power of attorney.
#[derive(SimpleObject, Clone)]
pub struct Attorney {
    rights: Option<String>,
    bank_card: Option<bool>,
    bank_account: Option<BankAccount>,
}

// ---- organizations ----

pub struct Organization {
    org: u32,
}

#[Object]
impl Organization {
    async fn id(&self, ctx: &Context<'_>) -> UuidScalar {
        UuidScalar(world(ctx).organization(self.org).id)
    }
    async fn name(&self, ctx: &Context<'_>) -> Option<String> {
        Some(world(ctx).organization(self.org).name)
    }
    async fn vat_number(&self, ctx: &Context<'_>) -> Option<String> {
        Some(world(ctx).organization(self.org).vat_number)
    }
    async fn branch_identifier(&self, ctx: &Context<'_>) -> Option<String> {
        Some(world(ctx).organization(self.org).branch)
    }
    async fn creation_date(&self, ctx: &Context<'_>) -> Option<DateTime> {
        dt(world(ctx).organization(self.org).created)
    }
    async fn bank_relation(&self, ctx: &Context<'_>) -> Option<BankRelation> {
        let o = world(ctx).organization(self.org);
        Some(BankRelation {
            is_ajour: Some(o.is_ajour),
            ajour_date: dt(o.ajour_date),
        })
    }
    async fn bank_accounts(&self, ctx: &Context<'_>) -> Vec<BankAccount> {
        world(ctx)
            .organization(self.org)
            .accounts
            .iter()
            .map(|a| BankAccount {
                account_name: Some(a.name.into()),
                registration_number: Some(a.registration.clone()),
                account_number: Some(a.number.clone()),
                is_primary: Some(a.primary),
            })
            .collect()
    }
    async fn administrators(&self, ctx: &Context<'_>) -> Vec<Administrator> {
        let w = world(ctx);
        w.org_members[self.org as usize]
            .iter()
            .map(|&p| Administrator::new(w.administrator(p, self.org)))
            .collect()
    }
}

#[derive(SimpleObject)]
pub struct BankRelation {
    is_ajour: Option<bool>,
    ajour_date: Option<DateTime>,
}

#[derive(SimpleObject, Clone)]
pub struct BankAccount {
    account_name: Option<String>,
    registration_number: Option<String>,
    account_number: Option<String>,
    is_primary: Option<bool>,
}

// ---- KYC ----

pub struct LegalEntity {
    rec: Arc<data::PersonRecord>,
}

#[Object]
impl LegalEntity {
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.rec.legal_entity_id)
    }
    /// Returned as plaintext only to authorized callers.
    async fn ssn(&self) -> Option<&str> {
        Some(&self.rec.ssn)
    }
    async fn legal_name(&self) -> Option<String> {
        Some(format!("{} {}", self.rec.first_name, self.rec.last_name))
    }
    async fn city_or_location_of_birth(&self) -> Option<&str> {
        Some(self.rec.birth_city)
    }
    async fn country_of_birth(&self) -> Option<Country> {
        Some(Country::from(&self.rec.birth_country))
    }
    async fn is_eid_verified(&self) -> Option<bool> {
        Some(self.rec.eid_verified)
    }
    async fn citizenships(&self) -> Option<Vec<Option<Citizenship>>> {
        Some(
            self.rec
                .citizenships
                .iter()
                .map(|(c, ssn)| {
                    Some(Citizenship {
                        country_data: Some(c.into()),
                        ssn: ssn.clone(),
                        country: Some(c.alpha2.into()),
                    })
                })
                .collect(),
        )
    }
    async fn tax_residencies(&self) -> Option<Vec<Option<TaxResidency>>> {
        Some(
            self.rec
                .tax_residencies
                .iter()
                .map(|(c, tin)| {
                    Some(TaxResidency {
                        country_data: Some(c.into()),
                        tin: Some(tin.clone()),
                        country: Some(c.alpha2.into()),
                    })
                })
                .collect(),
        )
    }
    async fn current_verification(&self) -> Option<Verification> {
        self.rec.current_verification().cloned().map(Verification)
    }
    async fn verifications(&self) -> Option<Vec<Option<Verification>>> {
        Some(
            self.rec
                .verifications
                .iter()
                .cloned()
                .map(|v| Some(Verification(v)))
                .collect(),
        )
    }
}

#[derive(SimpleObject)]
pub struct Citizenship {
    country_data: Option<Country>,
    ssn: Option<String>,
    #[graphql(deprecation = "Use countryData.")]
    country: Option<String>,
}

#[derive(SimpleObject)]
pub struct TaxResidency {
    country_data: Option<Country>,
    tin: Option<String>,
    #[graphql(deprecation = "Use countryData.")]
    country: Option<String>,
}

pub struct Verification(data::VerificationRecord);

#[Object]
impl Verification {
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }
    async fn identity_scheme(&self) -> Option<IdentityScheme> {
        Some(if self.0.mitid {
            IdentityScheme::DkMitId
        } else {
            IdentityScheme::Manual
        })
    }
    async fn authentication_level(&self) -> Option<AuthenticationLevel> {
        Some(match self.0.level {
            "LOW" => AuthenticationLevel::Low,
            "MEDIUM" => AuthenticationLevel::Medium,
            "HIGH" => AuthenticationLevel::High,
            _ => AuthenticationLevel::None,
        })
    }
    async fn identification_time(&self) -> Option<DateTime> {
        dt(self.0.identified_at)
    }
    async fn risk_data(&self) -> Option<RiskData> {
        self.0
            .risk
            .clone()
            .map(|r| RiskData::MitIdRiskData(MitIdRiskData(r)))
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum IdentityScheme {
    Manual,
    DkMitId,
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum AuthenticationLevel {
    None,
    Low,
    Medium,
    High,
}

#[derive(Interface)]
#[graphql(field(name = "id", ty = "UuidScalar"))]
pub enum RiskData {
    MitIdRiskData(MitIdRiskData),
}

pub struct MitIdRiskData(data::RiskRecord);

#[Object(name = "MitIDRiskData")]
impl MitIdRiskData {
    async fn id(&self) -> UuidScalar {
        UuidScalar(self.0.id)
    }
    async fn device_id(&self) -> Option<&str> {
        Some(&self.0.device_id)
    }
    async fn registration_date_time(&self) -> Option<DateTime> {
        dt(self.0.registered_at)
    }
    async fn previous_authentication(&self) -> Option<DateTime> {
        dt(self.0.previous_authentication)
    }
    async fn failed_attempts(&self) -> Option<i32> {
        Some(self.0.failed_attempts)
    }
    async fn client_geo_location(&self) -> Option<&str> {
        Some(&self.0.client_geo)
    }
    async fn client_ip_address(&self) -> Option<&str> {
        Some(&self.0.client_ip)
    }
    async fn app_geo_location(&self) -> Option<&str> {
        Some(&self.0.app_geo)
    }
    async fn app_ip_address(&self) -> Option<&str> {
        Some(&self.0.app_ip)
    }
    async fn file(&self) -> Option<EncryptedBlobFile> {
        Some(EncryptedBlobFile {
            file_name: Some(self.0.file_name.clone()),
            file_extension: Some("json".into()),
            bytes: Arc::from(&b"{\"risk\":\"sandbox\"}"[..]),
        })
    }
}

// ---- legitimation documents ----

#[derive(SimpleObject)]
#[graphql(complex)]
pub struct EncryptedBlobFile {
    file_name: Option<String>,
    file_extension: Option<String>,
    #[graphql(skip)]
    bytes: Arc<[u8]>,
}

#[ComplexObject]
impl EncryptedBlobFile {
    /// Document bytes, base64. Potentially large: select only when needed.
    async fn base64(&self) -> Option<String> {
        use base64::Engine;
        Some(base64::engine::general_purpose::STANDARD.encode(&self.bytes))
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum LegitimationState {
    Pending,
    Approved,
    Rejected,
    Expired,
}

impl From<data::DocState> for LegitimationState {
    fn from(s: data::DocState) -> Self {
        match s {
            data::DocState::Pending => Self::Pending,
            data::DocState::Approved => Self::Approved,
            data::DocState::Rejected => Self::Rejected,
            data::DocState::Expired => Self::Expired,
        }
    }
}

#[derive(SimpleObject)]
pub struct PhotoLegitimation {
    /// Sandbox contract: the id a review decision names.
    id: UuidScalar,
    /// Sandbox contract: bumped by every change; a decision names the version it saw.
    version: i32,
    state: Option<LegitimationState>,
    rejected_reason: Option<String>,
    created_time: Option<DateTime>,
    approved_rejected_time: Option<DateTime>,
    expiration_date: Option<DateTime>,
    legitimation_type: Option<LegitimationType>,
    file: Option<EncryptedBlobFile>,
}

impl PhotoLegitimation {
    fn new(doc: &data::DocumentRecord) -> Self {
        let s = SocialSecurityCard::new(doc, data::PHOTO_ID_PNG);
        PhotoLegitimation {
            id: s.id,
            version: s.version,
            state: s.state,
            rejected_reason: s.rejected_reason,
            created_time: s.created_time,
            approved_rejected_time: s.approved_rejected_time,
            expiration_date: s.expiration_date,
            legitimation_type: doc.type_names.map(|(id, da, en)| LegitimationType {
                id: UuidScalar(id),
                legitimation_type_localizations: Some(
                    [("da", da), ("en", en)]
                        .into_iter()
                        .map(|(l, n)| {
                            Some(LegitimationTypeLocalization {
                                language_code: Some(l.into()),
                                name: Some(n.into()),
                            })
                        })
                        .collect(),
                ),
            }),
            file: s.file,
        }
    }
}

#[derive(SimpleObject)]
pub struct SocialSecurityCard {
    /// Sandbox contract: the id a review decision names.
    id: UuidScalar,
    /// Sandbox contract: bumped by every change; a decision names the version it saw.
    version: i32,
    state: Option<LegitimationState>,
    rejected_reason: Option<String>,
    created_time: Option<DateTime>,
    approved_rejected_time: Option<DateTime>,
    expiration_date: Option<DateTime>,
    file: Option<EncryptedBlobFile>,
}

impl SocialSecurityCard {
    fn new(doc: &data::DocumentRecord, png: &'static [u8]) -> Self {
        SocialSecurityCard {
            id: UuidScalar(doc.id),
            version: doc.version,
            state: Some(doc.state.into()),
            rejected_reason: doc.rejected_reason.clone(),
            created_time: dt(doc.created),
            approved_rejected_time: doc.decided.map(DateTime),
            expiration_date: doc.expires.map(DateTime),
            file: Some(EncryptedBlobFile {
                file_name: Some(doc.file_name.clone()),
                file_extension: Some("png".into()),
                bytes: Arc::from(png),
            }),
        }
    }
}

#[derive(SimpleObject)]
pub struct LegitimationType {
    id: UuidScalar,
    legitimation_type_localizations: Option<Vec<Option<LegitimationTypeLocalization>>>,
}

#[derive(SimpleObject)]
pub struct LegitimationTypeLocalization {
    language_code: Option<String>,
    name: Option<String>,
}

// ---- review (sandbox contract; see README) ----

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum DocumentKind {
    PhotoLegitimation,
    SocialSecurityCard,
}

/// A document waiting for, or having had, a decision.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct ReviewItem {
    document_id: UuidScalar,
    kind: DocumentKind,
    version: i32,
    state: LegitimationState,
    created_time: Option<DateTime>,
    expiration_date: Option<DateTime>,
    #[graphql(skip)]
    person: u32,
}

#[ComplexObject]
impl ReviewItem {
    async fn user(&self, ctx: &Context<'_>) -> User {
        user(ctx, self.person)
    }
}

impl ReviewItem {
    fn new(doc: &data::DocumentRecord, person: u32, photo: bool) -> ReviewItem {
        ReviewItem {
            document_id: UuidScalar(doc.id),
            kind: if photo {
                DocumentKind::PhotoLegitimation
            } else {
                DocumentKind::SocialSecurityCard
            },
            version: doc.version,
            state: doc.state.into(),
            created_time: dt(doc.created),
            expiration_date: doc.expires.map(DateTime),
            person,
        }
    }
}

pub struct ReviewQueueConnection {
    items: Vec<review::Pending>,
    window: Window,
}

#[Object]
impl ReviewQueueConnection {
    async fn page_info(&self) -> PageInfo {
        PageInfo::from(&self.window)
    }
    async fn nodes(&self, ctx: &Context<'_>) -> Vec<ReviewItem> {
        let w = world(ctx);
        let review = ctx.data_unchecked::<Arc<Review>>();
        self.window
            .range
            .clone()
            .filter_map(|pos| {
                let p = self.items[pos];
                let mut rec = w.person(p.person);
                review.apply(&mut rec);
                let doc = if p.photo {
                    rec.photo
                } else {
                    rec.social_security_card
                }?;
                Some(ReviewItem::new(&doc, p.person, p.photo))
            })
            .collect()
    }
    async fn total_count(&self) -> i32 {
        self.items.len() as i32
    }
}

#[derive(InputObject)]
pub struct ApproveLegitimationInput {
    document_id: UuidScalar,
    /// The `version` the reviewer saw.
    expected_version: i32,
    /// Replaying a key returns the first result; reusing it for another decision is refused.
    idempotency_key: String,
}

#[derive(InputObject)]
pub struct RejectLegitimationInput {
    document_id: UuidScalar,
    expected_version: i32,
    reason: String,
    idempotency_key: String,
}

#[derive(SimpleObject)]
pub struct LegitimationDecisionPayload {
    document: ReviewItem,
}

#[derive(InputObject)]
pub struct CreateEmployeeInput {
    email: String,
    first_name: Option<String>,
    last_name: Option<String>,
}

#[derive(SimpleObject)]
pub struct CreateEmployeePayload {
    employee: Option<Employee>,
}

pub struct Mutation;

#[Object]
impl Mutation {
    /// Creates a bank employee. Errors: 'Email is not valid', 'Email is already in use'.
    async fn create_employee(
        &self,
        ctx: &Context<'_>,
        input: CreateEmployeeInput,
    ) -> Result<Option<CreateEmployeePayload>> {
        let staff = ctx.data_unchecked::<Arc<Staff>>();
        let rec = staff
            .create(input.email.trim(), input.first_name, input.last_name)
            .map_err(Error::new)?;
        Ok(Some(CreateEmployeePayload {
            employee: Some(Employee { rec }),
        }))
    }

    /// Sandbox contract: approve a pending photo legitimation.
    async fn approve_photo_legitimation(
        &self,
        ctx: &Context<'_>,
        input: ApproveLegitimationInput,
    ) -> Result<LegitimationDecisionPayload> {
        decide(
            ctx,
            input.idempotency_key,
            input.document_id,
            true,
            input.expected_version,
            Verdict::Approve,
            None,
        )
        .await
    }
    /// Sandbox contract: reject a pending photo legitimation, with a reason.
    async fn reject_photo_legitimation(
        &self,
        ctx: &Context<'_>,
        input: RejectLegitimationInput,
    ) -> Result<LegitimationDecisionPayload> {
        decide(
            ctx,
            input.idempotency_key,
            input.document_id,
            true,
            input.expected_version,
            Verdict::Reject,
            Some(input.reason),
        )
        .await
    }
    /// Sandbox contract: approve a pending social security card.
    async fn approve_social_security_card(
        &self,
        ctx: &Context<'_>,
        input: ApproveLegitimationInput,
    ) -> Result<LegitimationDecisionPayload> {
        decide(
            ctx,
            input.idempotency_key,
            input.document_id,
            false,
            input.expected_version,
            Verdict::Approve,
            None,
        )
        .await
    }
    /// Sandbox contract: reject a pending social security card, with a reason.
    async fn reject_social_security_card(
        &self,
        ctx: &Context<'_>,
        input: RejectLegitimationInput,
    ) -> Result<LegitimationDecisionPayload> {
        decide(
            ctx,
            input.idempotency_key,
            input.document_id,
            false,
            input.expected_version,
            Verdict::Reject,
            Some(input.reason),
        )
        .await
    }
}

async fn decide(
    ctx: &Context<'_>,
    key: String,
    document: UuidScalar,
    photo: bool,
    expected_version: i32,
    verdict: Verdict,
    reason: Option<String>,
) -> Result<LegitimationDecisionPayload> {
    let w = world(ctx);
    let review = ctx.data_unchecked::<Arc<Review>>();
    if key.trim().is_empty() {
        return Err(Error::new("`idempotencyKey` is required.")
            .extend_with(|_, e| e.set("code", "IDEMPOTENCY_KEY_REQUIRED")));
    }
    let req = review::Request {
        document: document.0,
        photo,
        expected_version,
        verdict,
        reason,
    };
    match review.decide(w, &key, req, jiff::Timestamp::now()) {
        Ok(doc) => {
            let faults = ctx.data_unchecked::<Arc<Faults>>();
            if faults.take_drop()
                && let Some(marker) = ctx.data_opt::<DropMarker>()
            {
                marker.0.store(true, Ordering::SeqCst);
            }
            if let Some(stall) = faults.take_stall() {
                tokio::time::sleep(stall).await;
            }
            let (person, _) = w
                .document_owner(&doc.id)
                .expect("a decided document has an owner");
            Ok(LegitimationDecisionPayload {
                document: ReviewItem::new(&doc, person, photo),
            })
        }
        Err(refusal) => {
            Err(Error::new(refusal.message()).extend_with(|_, e| e.set("code", refusal.code())))
        }
    }
}
