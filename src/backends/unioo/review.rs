//! Legitimation review on Unioo: the review queue and the approve/reject mutations.
//!
//! These names are the sandbox's contract (see README, "Review contract"): the public
//! documentation does not show the live API's review operations. Everything that names them
//! is in this file, so pointing the client at the live names is a change here only.

use super::map;
use super::queries::schema;
use crate::backends::{BoxFut, LegitimationReview};
use crate::core::*;
use cynic::{MutationBuilder, QueryBuilder};

#[derive(cynic::Enum, Debug, Clone, Copy)]
#[cynic(graphql_type = "DocumentKind")]
pub enum WireKind {
    PhotoLegitimation,
    SocialSecurityCard,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct QueueVars {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub kind: Option<WireKind>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Query", variables = "QueueVars")]
pub struct ReviewQueue {
    #[arguments(first: $first, after: $after, kind: $kind)]
    pub review_queue: ReviewQueueConnection,
}

#[derive(cynic::QueryFragment, Debug)]
pub struct ReviewQueueConnection {
    pub total_count: i32,
    pub nodes: Vec<ReviewItemRow>,
    pub page_info: super::queries::PageInfo,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "ReviewItem")]
pub struct ReviewItemRow {
    pub document_id: uuid::Uuid,
    pub kind: WireKind,
    pub version: i32,
    pub state: super::queries::LegitimationState,
    pub created_time: Option<jiff::Timestamp>,
    pub expiration_date: Option<jiff::Timestamp>,
    pub user: ReviewUser,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "User")]
pub struct ReviewUser {
    pub id: uuid::Uuid,
    pub firstname: Option<String>,
    pub lastname: Option<String>,
    pub email: Option<String>,
    pub legal_entity: Option<ReviewLegalEntity>,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "LegalEntity")]
pub struct ReviewLegalEntity {
    pub ssn: Option<String>,
}

#[derive(cynic::InputObject, Debug)]
pub struct ApproveLegitimationInput {
    pub document_id: uuid::Uuid,
    pub expected_version: i32,
    pub idempotency_key: String,
}

#[derive(cynic::InputObject, Debug)]
pub struct RejectLegitimationInput {
    pub document_id: uuid::Uuid,
    pub expected_version: i32,
    pub reason: String,
    pub idempotency_key: String,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct ApproveVars {
    pub input: ApproveLegitimationInput,
}

#[derive(cynic::QueryVariables, Debug)]
pub struct RejectVars {
    pub input: RejectLegitimationInput,
}

#[derive(cynic::QueryFragment, Debug)]
pub struct LegitimationDecisionPayload {
    pub document: ReviewItemRow,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "ApproveVars")]
pub struct ApprovePhoto {
    #[arguments(input: $input)]
    pub approve_photo_legitimation: LegitimationDecisionPayload,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "RejectVars")]
pub struct RejectPhoto {
    #[arguments(input: $input)]
    pub reject_photo_legitimation: LegitimationDecisionPayload,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "ApproveVars")]
pub struct ApproveCard {
    #[arguments(input: $input)]
    pub approve_social_security_card: LegitimationDecisionPayload,
}

#[derive(cynic::QueryFragment, Debug)]
#[cynic(graphql_type = "Mutation", variables = "RejectVars")]
pub struct RejectCard {
    #[arguments(input: $input)]
    pub reject_social_security_card: LegitimationDecisionPayload,
}

fn kind(k: WireKind) -> DocumentKind {
    match k {
        WireKind::PhotoLegitimation => DocumentKind::PhotoLegitimation,
        WireKind::SocialSecurityCard => DocumentKind::SocialSecurityCard,
    }
}

fn item(r: ReviewItemRow) -> ReviewItem {
    ReviewItem {
        document_id: r.document_id,
        kind: kind(r.kind),
        version: r.version,
        state: map::state(Some(r.state)),
        created: r.created_time,
        expires: r.expiration_date,
        cpr: r
            .user
            .legal_entity
            .as_ref()
            .and_then(|l| l.ssn.as_deref())
            .map(Ssn::from_wire),
        person: PersonSummary {
            id: r.user.id,
            first_name: r.user.firstname.unwrap_or_default(),
            last_name: r.user.lastname.unwrap_or_default(),
            email: r.user.email,
            organizations: Vec::new(),
        },
    }
}

impl LegitimationReview for super::UniooClient {
    fn review_queue(
        &self,
        after: Option<String>,
        of: Option<DocumentKind>,
        first: usize,
    ) -> BoxFut<'_, Page<ReviewItem>> {
        Box::pin(async move {
            let vars = QueueVars {
                first: Some(first as i32),
                after,
                kind: of.map(|k| match k {
                    DocumentKind::PhotoLegitimation => WireKind::PhotoLegitimation,
                    DocumentKind::SocialSecurityCard => WireKind::SocialSecurityCard,
                }),
            };
            let c = self
                .gql
                .run_page(ReviewQueue::build(vars), super::page("nodes", first))
                .await?
                .review_queue;
            super::to_page(c.total_count, Some(c.nodes), c.page_info, first, item)
        })
    }

    fn decide(&self, d: Decision) -> BoxFut<'_, ReviewItem> {
        Box::pin(async move {
            let approve = |d: &Decision| ApproveVars {
                input: ApproveLegitimationInput {
                    document_id: d.document_id,
                    expected_version: d.expected_version,
                    idempotency_key: d.idempotency_key.clone(),
                },
            };
            let reject = |d: &Decision, reason: &str| RejectVars {
                input: RejectLegitimationInput {
                    document_id: d.document_id,
                    expected_version: d.expected_version,
                    reason: reason.to_string(),
                    idempotency_key: d.idempotency_key.clone(),
                },
            };
            let row = match (&d.verdict, d.kind) {
                (Verdict::Approve, DocumentKind::PhotoLegitimation) => {
                    self.gql
                        .run(ApprovePhoto::build(approve(&d)))
                        .await?
                        .approve_photo_legitimation
                }
                (Verdict::Approve, DocumentKind::SocialSecurityCard) => {
                    self.gql
                        .run(ApproveCard::build(approve(&d)))
                        .await?
                        .approve_social_security_card
                }
                (Verdict::Reject { reason }, DocumentKind::PhotoLegitimation) => {
                    self.gql
                        .run(RejectPhoto::build(reject(&d, reason)))
                        .await?
                        .reject_photo_legitimation
                }
                (Verdict::Reject { reason }, DocumentKind::SocialSecurityCard) => {
                    self.gql
                        .run(RejectCard::build(reject(&d, reason)))
                        .await?
                        .reject_social_security_card
                }
            };
            Ok(item(row.document))
        })
    }
}
