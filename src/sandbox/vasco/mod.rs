//! The VASCO platform API in the sandbox (GraphQL, seed 004): users and their lifecycle
//! (pending, active, inactive), user groups with personas, and accounts (individual, corporate,
//! joint) with their KYC status. Root types and operation names follow the documentation
//! (`RootQuery`, `GetUser`, …); calls need the sandbox's bearer token.

pub mod store;

use async_graphql::{
    Context, EmptySubscription, Enum, Error, ErrorExtensions, ID, InputObject, Interface, Object,
    Result, Scalar, ScalarType, Schema, SimpleObject, Value,
};
use std::sync::{Arc, Mutex};
use store::{AccountKind, Persona as StorePersona, Refused, Store};

pub type VascoSchema = Schema<RootQuery, RootMutation, EmptySubscription>;

/// The largest `GetUsers` page.
pub const MAX_LIMIT: usize = 200;

pub struct Vasco {
    pub store: Mutex<Store>,
    /// The bearer token every call needs.
    pub token: String,
}

impl Vasco {
    /// `token`: the bearer token, made first (it is in the credentials).
    pub fn new(seed: u64, token: String) -> Vasco {
        Vasco {
            store: Mutex::new(store::generate(seed)),
            token,
        }
    }

    /// A fresh bearer token (`vasco-<hex>`).
    pub fn new_token() -> String {
        format!("vasco-{}", crate::sandbox::auth::random_hex())
    }
}

pub fn schema(v: Arc<Vasco>) -> VascoSchema {
    Schema::build(RootQuery, RootMutation, EmptySubscription)
        .data(v)
        .finish()
}

pub fn sdl() -> String {
    Schema::build(RootQuery, RootMutation, EmptySubscription)
        .finish()
        .sdl()
}

fn vasco<'a>(ctx: &Context<'a>) -> &'a Arc<Vasco> {
    ctx.data_unchecked::<Arc<Vasco>>()
}

fn refusal(r: Refused) -> Error {
    Error::new(r.message).extend_with(|_, e| e.set("code", r.code))
}

fn parse_id(id: &ID) -> Result<u32> {
    id.parse::<u32>().map_err(|_| {
        Error::new(format!("`{}` is not a valid id.", id.as_str()))
            .extend_with(|_, e| e.set("code", "BAD_USER_INPUT"))
    })
}

#[derive(Clone, Copy)]
pub struct DateTimeScalar(pub jiff::Timestamp);

#[Scalar(name = "DateTime")]
impl ScalarType for DateTimeScalar {
    fn parse(value: Value) -> async_graphql::InputValueResult<Self> {
        match &value {
            Value::String(s) => s
                .parse()
                .map(DateTimeScalar)
                .map_err(|_| async_graphql::InputValueError::custom("not an RFC 3339 time")),
            _ => Err(async_graphql::InputValueError::expected_type(value)),
        }
    }
    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

#[derive(Clone, Copy)]
pub struct DateScalar(pub jiff::civil::Date);

#[Scalar(name = "Date")]
impl ScalarType for DateScalar {
    fn parse(value: Value) -> async_graphql::InputValueResult<Self> {
        match &value {
            Value::String(s) => s
                .parse()
                .map(DateScalar)
                .map_err(|_| async_graphql::InputValueError::custom("not a date (YYYY-MM-DD)")),
            _ => Err(async_graphql::InputValueError::expected_type(value)),
        }
    }
    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(rename_items = "snake_case")]
pub enum Persona {
    Customer,
    DistributedCustomer,
}

impl From<StorePersona> for Persona {
    fn from(p: StorePersona) -> Self {
        match p {
            StorePersona::Customer => Persona::Customer,
            StorePersona::DistributedCustomer => Persona::DistributedCustomer,
        }
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(rename_items = "lowercase")]
pub enum SupportedLocale {
    Fr,
    En,
}

impl SupportedLocale {
    fn of(code: &str) -> SupportedLocale {
        if code == "en" {
            SupportedLocale::En
        } else {
            SupportedLocale::Fr
        }
    }
    fn code(self) -> &'static str {
        match self {
            SupportedLocale::Fr => "fr",
            SupportedLocale::En => "en",
        }
    }
}

#[derive(Enum, Copy, Clone, Eq, PartialEq)]
#[graphql(rename_items = "camelCase")]
pub enum FirstAccountType {
    IndividualAccount,
    CorporateAccount,
}

#[derive(InputObject)]
pub struct CorporateAccountInformationInput {
    corporate_name: Option<String>,
}

#[derive(InputObject)]
pub struct FirstAccountInformationInput {
    first_account_type: FirstAccountType,
    corporate_account_information: Option<CorporateAccountInformationInput>,
}

#[derive(SimpleObject, Clone)]
pub struct DetailedEnum {
    code: Option<String>,
    label: Option<String>,
}

#[derive(SimpleObject, Clone)]
pub struct UserGroup {
    id: ID,
    name: Option<String>,
    persona: Option<Persona>,
}

/// The fields every kind of account has.
#[derive(Clone)]
pub struct AccountFields {
    id: ID,
    label: Option<String>,
    account_type: Option<DetailedEnum>,
    /// Codes: TO_COMPLETE, PENDING_REVIEW, PENDING_SIGNATURE, COMPLETED, VALIDATED, REFUSED, Expired.
    kyc_status_detailed: Option<DetailedEnum>,
    /// Deprecated in the API: use `kyc_status_detailed`.
    kyc_status: Option<String>,
    kyc_expiration_date: Option<DateScalar>,
    kyc_refused_comment: Option<String>,
}

macro_rules! account_type {
    ($name:ident) => {
        #[derive(Clone)]
        pub struct $name(AccountFields);

        #[Object]
        impl $name {
            async fn id(&self) -> &ID {
                &self.0.id
            }
            async fn label(&self) -> &Option<String> {
                &self.0.label
            }
            async fn account_type(&self) -> &Option<DetailedEnum> {
                &self.0.account_type
            }
            async fn kyc_status_detailed(&self) -> &Option<DetailedEnum> {
                &self.0.kyc_status_detailed
            }
            #[graphql(deprecation = "Use kycStatusDetailed.")]
            async fn kyc_status(&self) -> &Option<String> {
                &self.0.kyc_status
            }
            async fn kyc_expiration_date(&self) -> Option<DateScalar> {
                self.0.kyc_expiration_date
            }
            async fn kyc_refused_comment(&self) -> &Option<String> {
                &self.0.kyc_refused_comment
            }
        }
    };
}

account_type!(IndividualAccount);
account_type!(CorporateAccount);
account_type!(JointAccount);

// The interface's fields repeat their types, which the lint takes for duplicates.
#[allow(clippy::duplicated_attributes)]
#[rustfmt::skip]
#[derive(Interface, Clone)]
#[graphql(
    field(name = "id", ty = "&ID"),
    field(name = "label", ty = "&Option<String>"),
    field(name = "account_type", ty = "&Option<DetailedEnum>"),
    field(name = "kyc_status_detailed", ty = "&Option<DetailedEnum>"),
    field(name = "kyc_status", ty = "&Option<String>", deprecation = "Use kycStatusDetailed."),
    field(name = "kyc_expiration_date", ty = "Option<DateScalar>"),
    field(name = "kyc_refused_comment", ty = "&Option<String>")
)]
pub enum Account {
    IndividualAccount(IndividualAccount),
    CorporateAccount(CorporateAccount),
    JointAccount(JointAccount),
}

fn account(a: &store::Account) -> Account {
    let (code, label) = match a.kind {
        AccountKind::Individual => ("individual", "Individual account"),
        AccountKind::Corporate => ("corporate", "Corporate account"),
        AccountKind::Joint => ("joint", "Joint account"),
    };
    let kyc_label = store::KYC_CODES
        .iter()
        .find(|(c, _)| *c == a.kyc)
        .map(|(_, l)| l.to_string());
    let fields = AccountFields {
        id: ID(a.id.to_string()),
        label: Some(a.label.clone()),
        account_type: Some(DetailedEnum {
            code: Some(code.into()),
            label: Some(label.into()),
        }),
        kyc_status_detailed: Some(DetailedEnum {
            code: Some(a.kyc.into()),
            label: kyc_label,
        }),
        kyc_status: Some(a.kyc.into()),
        kyc_expiration_date: a.kyc_expires.map(DateScalar),
        kyc_refused_comment: a.kyc_refused_comment.clone(),
    };
    match a.kind {
        AccountKind::Individual => Account::IndividualAccount(IndividualAccount(fields)),
        AccountKind::Corporate => Account::CorporateAccount(CorporateAccount(fields)),
        AccountKind::Joint => Account::JointAccount(JointAccount(fields)),
    }
}

/// Lifecycle: pending = `acceptedAt` null; active = `active` true; inactive = `active` false
/// with an `unactiveComment`.
#[derive(SimpleObject, Clone)]
pub struct User {
    id: ID,
    active: Option<bool>,
    email: String,
    first_name: Option<String>,
    last_name: Option<String>,
    mobile: Option<String>,
    accepted_at: Option<DateTimeScalar>,
    unactive_comment: Option<String>,
    user_group: Option<UserGroup>,
    accounts: Vec<Option<Account>>,
    locale: Option<SupportedLocale>,
    last_login: Option<DateTimeScalar>,
}

fn user(s: &Store, u: &store::User) -> User {
    User {
        id: ID(u.id.to_string()),
        active: Some(u.active),
        email: u.email.clone(),
        first_name: Some(u.first_name.clone()),
        last_name: Some(u.last_name.clone()),
        mobile: u.mobile.clone(),
        accepted_at: u.accepted_at.map(DateTimeScalar),
        unactive_comment: u.unactive_comment.clone(),
        user_group: s.group(u.group).map(|g| UserGroup {
            id: ID(g.id.to_string()),
            name: Some(g.name.clone()),
            persona: Some(g.persona.into()),
        }),
        accounts: s.accounts_of(u.id).map(|a| Some(account(a))).collect(),
        locale: Some(SupportedLocale::of(u.locale)),
        last_login: u.last_login.map(DateTimeScalar),
    }
}

pub struct RootQuery;

#[Object(name = "RootQuery")]
impl RootQuery {
    #[graphql(name = "GetUser")]
    async fn get_user(&self, ctx: &Context<'_>, id: ID) -> Result<Option<User>> {
        let id = parse_id(&id)?;
        let s = vasco(ctx).store.lock().expect("store");
        Ok(s.user(id).map(|u| user(&s, u)))
    }

    /// Sandbox: `limit` (at most 200, 50 by default) and `offset` page through users by id.
    #[graphql(name = "GetUsers")]
    async fn get_users(
        &self,
        ctx: &Context<'_>,
        limit: Option<i32>,
        offset: Option<i32>,
    ) -> Result<Option<Vec<Option<User>>>> {
        let limit = limit.unwrap_or(50).clamp(0, MAX_LIMIT as i32) as usize;
        let offset = offset.unwrap_or(0).max(0) as usize;
        let s = vasco(ctx).store.lock().expect("store");
        Ok(Some(
            s.users
                .iter()
                .skip(offset)
                .take(limit)
                .map(|u| Some(user(&s, u)))
                .collect(),
        ))
    }

    #[graphql(name = "GetAccount")]
    async fn get_account(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Account>> {
        let id = parse_id(&id)?;
        let s = vasco(ctx).store.lock().expect("store");
        Ok(s.accounts.iter().find(|a| a.id == id).map(account))
    }
}

pub struct RootMutation;

#[Object(name = "RootMutation")]
impl RootMutation {
    /// Authenticated variant: creates a pending user (or an active one with `active: true`)
    /// and their first account.
    #[graphql(name = "CreateUser")]
    #[allow(clippy::too_many_arguments)]
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        first_name: String,
        last_name: String,
        email: String,
        mobile: Option<String>,
        persona: Persona,
        first_account_information: Option<FirstAccountInformationInput>,
        locale: Option<SupportedLocale>,
        tos_acknowledged: Option<bool>,
        active: Option<bool>,
        with_email: Option<bool>,
        distributor_advisor_id: Option<ID>,
    ) -> Result<Option<User>> {
        // Accepted as the API documents them; the sandbox sends no email and has no advisors.
        let _ = (tos_acknowledged, with_email, distributor_advisor_id);
        let corporate_name = first_account_information.and_then(|f| {
            (f.first_account_type == FirstAccountType::CorporateAccount).then(|| {
                f.corporate_account_information
                    .and_then(|c| c.corporate_name)
                    .unwrap_or_else(|| format!("{last_name} SAS"))
            })
        });
        let mut s = vasco(ctx).store.lock().expect("store");
        let created = s
            .create(
                store::NewUser {
                    first_name,
                    last_name,
                    email,
                    mobile,
                    persona: match persona {
                        Persona::Customer => StorePersona::Customer,
                        Persona::DistributedCustomer => StorePersona::DistributedCustomer,
                    },
                    locale: locale.map(SupportedLocale::code),
                    active: active.unwrap_or(false),
                    corporate_name,
                },
                jiff::Timestamp::now(),
            )
            .map_err(refusal)?;
        Ok(Some(user(&s, &created)))
    }

    /// Approves a pending user (sets `acceptedAt`), or reactivates an inactive one.
    #[graphql(name = "ActivateUser")]
    async fn activate_user(&self, ctx: &Context<'_>, id: ID) -> Result<Option<User>> {
        let id = parse_id(&id)?;
        let mut s = vasco(ctx).store.lock().expect("store");
        let u = s.activate(id, jiff::Timestamp::now()).map_err(refusal)?;
        Ok(Some(user(&s, &u)))
    }

    /// Deactivates; `unactiveComment` says why (required by the sandbox).
    #[graphql(name = "DeactivateUser")]
    async fn deactivate_user(
        &self,
        ctx: &Context<'_>,
        id: ID,
        unactive_comment: Option<String>,
    ) -> Result<Option<User>> {
        let id = parse_id(&id)?;
        let mut s = vasco(ctx).store.lock().expect("store");
        let u = s.deactivate(id, unactive_comment).map_err(refusal)?;
        Ok(Some(user(&s, &u)))
    }

    #[graphql(name = "UpdateUserInfosAndPermissions")]
    #[allow(clippy::too_many_arguments)]
    async fn update_user_infos_and_permissions(
        &self,
        ctx: &Context<'_>,
        id: ID,
        first_name: Option<String>,
        last_name: Option<String>,
        mobile: Option<String>,
        locale: Option<SupportedLocale>,
        user_group_id: Option<ID>,
    ) -> Result<Option<User>> {
        let id = parse_id(&id)?;
        let group = user_group_id.as_ref().map(parse_id).transpose()?;
        let mut s = vasco(ctx).store.lock().expect("store");
        let u = s
            .update(
                id,
                first_name,
                last_name,
                mobile,
                locale.map(SupportedLocale::code),
                group,
            )
            .map_err(refusal)?;
        Ok(Some(user(&s, &u)))
    }
}
