//! The VASCO platform client: users, their lifecycle, group and accounts, over GraphQL with a
//! bearer token.

pub mod queries;

use super::graphql::GraphqlClient;
use super::{BackendError, BoxFut, FundPlatform};
use crate::core::Page;
use crate::core::platform::*;
use cynic::{MutationBuilder, QueryBuilder};
use queries as q;

pub const NAME: &str = "VASCO";

/// Users asked for per page.
pub const PAGE_SIZE: usize = 100;

pub struct VascoClient {
    gql: GraphqlClient,
}

impl VascoClient {
    pub fn new(gql: GraphqlClient) -> Self {
        VascoClient { gql }
    }

    async fn user(&self, id: &str) -> Result<PlatformUser, BackendError> {
        self.gql
            .run(q::GetUser::build(q::IdVars {
                id: cynic::Id::new(id),
            }))
            .await?
            .get_user
            .map(user)
            .ok_or_else(|| missing("user"))
    }

    /// A lifecycle change whose answer was lost and that was sent again finds the user already
    /// in the wanted state: that is success, shown with the user as they are now.
    async fn settled(
        &self,
        id: &str,
        result: Result<Option<q::User>, BackendError>,
        already: &str,
    ) -> Result<PlatformUser, BackendError> {
        match result {
            Ok(u) => u.map(user).ok_or_else(|| missing("user")),
            Err(e) if e.code() == Some(already) => self.user(id).await,
            Err(e) => Err(e),
        }
    }
}

fn missing(what: &str) -> BackendError {
    BackendError::Malformed {
        backend: NAME,
        request_id: "-".into(),
        detail: format!("the answer had no {what}"),
    }
}

fn detailed(d: Option<q::DetailedEnum>) -> (String, String) {
    d.map(|d| {
        let code = d.code.unwrap_or_default();
        (code.clone(), d.label.unwrap_or(code))
    })
    .unwrap_or_default()
}

fn user(u: q::User) -> PlatformUser {
    let state = match (u.accepted_at, u.active) {
        (None, _) => UserState::Pending,
        (Some(_), Some(true)) => UserState::Active,
        (Some(_), _) => UserState::Inactive,
    };
    PlatformUser {
        id: u.id.into_inner(),
        email: u.email,
        first_name: u.first_name.unwrap_or_default(),
        last_name: u.last_name.unwrap_or_default(),
        mobile: u.mobile,
        state,
        accepted_at: u.accepted_at,
        inactive_comment: u.unactive_comment,
        group: u.user_group.map(|g| UserGroup {
            id: g.id.into_inner(),
            name: g.name.unwrap_or_default(),
            persona: match g.persona {
                Some(q::Persona::Customer) => "customer".into(),
                Some(q::Persona::DistributedCustomer) => "distributed_customer".into(),
                None => String::new(),
            },
        }),
        accounts: u
            .accounts
            .into_iter()
            .flatten()
            .map(|a| {
                let (kind, _) = detailed(a.account_type);
                let (kyc_code, kyc_label) = detailed(a.kyc_status_detailed);
                PlatformAccount {
                    id: a.id.into_inner(),
                    label: a.label.unwrap_or_default(),
                    kind,
                    kyc_code,
                    kyc_label,
                    kyc_expires: a.kyc_expiration_date,
                    kyc_refused_comment: a.kyc_refused_comment,
                }
            })
            .collect(),
        locale: u.locale.map(|l| format!("{l:?}").to_lowercase()),
        last_login: u.last_login,
    }
}

impl FundPlatform for VascoClient {
    fn platform_user(&self, id: String) -> BoxFut<'_, PlatformUser> {
        Box::pin(async move { self.user(&id).await })
    }

    fn platform_users(&self, offset: usize) -> BoxFut<'_, Page<PlatformUser>> {
        Box::pin(async move {
            let users = self
                .gql
                .run_page(
                    q::GetUsers::build(q::UsersVars {
                        limit: Some(PAGE_SIZE as i32),
                        offset: Some(offset as i32),
                    }),
                    super::http::PageCheck {
                        key: "GetUsers",
                        asked: PAGE_SIZE,
                    },
                )
                .await?
                .get_users
                .unwrap_or_default();
            super::http::page_fits(NAME, users.len(), PAGE_SIZE)?;
            let users: Vec<PlatformUser> = users.into_iter().flatten().map(user).collect();
            // The API gives no total: a full page means there may be more.
            let full = users.len() == PAGE_SIZE;
            let loaded = offset + users.len();
            Ok(Page {
                total: loaded + usize::from(full),
                next_cursor: full.then(|| loaded.to_string()),
                items: users,
            })
        })
    }

    fn change_platform_user(&self, change: PlatformChange) -> BoxFut<'_, PlatformUser> {
        Box::pin(async move {
            match change {
                PlatformChange::Create(n) => {
                    let vars = q::CreateVars {
                        first_name: n.first_name,
                        last_name: n.last_name,
                        email: n.email,
                        mobile: n.mobile,
                        persona: if n.persona == "distributed_customer" {
                            q::Persona::DistributedCustomer
                        } else {
                            q::Persona::Customer
                        },
                        first_account_information: Some(q::FirstAccountInformationInput {
                            first_account_type: if n.corporate_name.is_some() {
                                q::FirstAccountType::CorporateAccount
                            } else {
                                q::FirstAccountType::IndividualAccount
                            },
                            corporate_account_information: n.corporate_name.map(|c| {
                                q::CorporateAccountInformationInput {
                                    corporate_name: Some(c),
                                }
                            }),
                        }),
                    };
                    // Not idempotent (no key in the API): sent once.
                    self.gql
                        .run_once(q::CreateUser::build(vars))
                        .await?
                        .create_user
                        .map(user)
                        .ok_or_else(|| missing("user"))
                }
                PlatformChange::Activate { id } => {
                    let r = self
                        .gql
                        .run(q::ActivateUser::build(q::IdVars {
                            id: cynic::Id::new(&id),
                        }))
                        .await
                        .map(|x| x.activate_user);
                    self.settled(&id, r, "ALREADY_ACTIVE").await
                }
                PlatformChange::Deactivate { id, comment } => {
                    let r = self
                        .gql
                        .run(q::DeactivateUser::build(q::DeactivateVars {
                            id: cynic::Id::new(&id),
                            unactive_comment: Some(comment),
                        }))
                        .await
                        .map(|x| x.deactivate_user);
                    self.settled(&id, r, "ALREADY_INACTIVE").await
                }
                PlatformChange::Update {
                    id,
                    first_name,
                    last_name,
                    mobile,
                    group_id,
                } => self
                    .gql
                    // Setting fields to values is safe to resend.
                    .run(q::UpdateUser::build(q::UpdateVars {
                        id: cynic::Id::new(&id),
                        first_name,
                        last_name,
                        mobile,
                        user_group_id: group_id.map(|g| cynic::Id::new(&g)),
                    }))
                    .await?
                    .update_user_infos_and_permissions
                    .map(user)
                    .ok_or_else(|| missing("user")),
            }
        })
    }
}
