//! Wire types to core types.

use super::queries as q;
use crate::core::{self, *};

fn text(s: Option<String>) -> String {
    s.unwrap_or_default()
}

pub fn summary(r: q::UserRow) -> PersonSummary {
    PersonSummary {
        id: r.id,
        first_name: text(r.firstname),
        last_name: text(r.lastname),
        email: r.email,
        organizations: Vec::new(),
    }
}

pub fn search_row(r: q::UserSearchRow) -> PersonSummary {
    PersonSummary {
        id: r.id,
        first_name: text(r.firstname),
        last_name: text(r.lastname),
        email: r.email,
        organizations: r
            .administrators
            .into_iter()
            .filter_map(|a| a.organization.and_then(|o| o.name))
            .collect(),
    }
}

pub fn employee(e: q::EmployeeRow) -> Employee {
    Employee {
        id: e.id,
        external_id: e.external_id,
        email: e.email,
        first_name: text(e.first_name),
        last_name: text(e.last_name),
        created: e.creation_date,
        last_login: e.last_login_time,
        roles: e
            .roles
            .unwrap_or_default()
            .into_iter()
            .flatten()
            .map(|r| {
                match r {
                    q::BankEmployeeRole::CanRejectBankPackages => "CAN_REJECT_BANK_PACKAGES",
                    q::BankEmployeeRole::CanEditEmployees => "CAN_EDIT_EMPLOYEES",
                }
                .to_string()
            })
            .collect(),
    }
}

fn country(c: Option<q::Country>) -> Option<Country> {
    c.map(|c| Country {
        alpha2: text(c.alpha2),
        name: text(c.name),
    })
}

fn flat<T>(v: Option<Vec<Option<T>>>) -> impl Iterator<Item = T> {
    v.unwrap_or_default().into_iter().flatten()
}

fn verification(v: q::Verification) -> Verification {
    Verification {
        id: v.id,
        scheme: match v.identity_scheme {
            Some(q::IdentityScheme::DkMitId) => IdentityScheme::MitId,
            Some(q::IdentityScheme::Manual) => IdentityScheme::Manual,
            None => IdentityScheme::Unknown,
        },
        level: v
            .authentication_level
            .map(|l| format!("{l:?}").to_uppercase()),
        identified_at: v.identification_time,
        risk: match v.risk_data {
            Some(q::RiskData::MitIdRiskData(r)) => Some(MitIdRisk {
                device_id: r.device_id,
                registered_at: r.registration_date_time,
                previous_authentication: r.previous_authentication,
                failed_attempts: r.failed_attempts,
                client_geo: r.client_geo_location,
                client_ip: r.client_ip_address,
                app_geo: r.app_geo_location,
                app_ip: r.app_ip_address,
                file_name: r.file.and_then(|f| f.file_name),
            }),
            _ => None,
        },
    }
}

fn organization(o: Option<q::Organization>) -> Option<Organization> {
    o.map(|o| Organization {
        id: o.id,
        name: text(o.name),
        vat_number: o.vat_number,
        bank_relation: o.bank_relation.map(|b| BankRelation {
            is_ajour: b.is_ajour,
            ajour_date: b.ajour_date,
        }),
    })
}

fn role<R: std::fmt::Debug>(
    role: Option<R>,
    assigned: Option<jiff::Timestamp>,
    resigned: Option<jiff::Timestamp>,
) -> Role {
    Role {
        code: role
            .map(|r| screaming(&format!("{r:?}")))
            .unwrap_or_default(),
        assigned,
        resigned,
    }
}

/// `ChairMan` -> `CHAIR_MAN`, matching the API's enum values.
fn screaming(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push('_');
        }
        out.extend(c.to_uppercase());
    }
    out
}

fn administrator(a: q::AdministratorDetail) -> Option<Administrator> {
    Some(match a {
        q::AdministratorDetail::BoardMember(b) => Administrator {
            id: b.id,
            kind: AdministratorKind::BoardMember,
            organization: organization(b.organization),
            eboks_allowed: b.allow_eboks,
            authorized_signatory: b.is_authorized_signatory,
            roles: flat(b.board_member_roles)
                .map(|r| role(r.role, r.assigned_date, r.resigned_date))
                .collect(),
        },
        q::AdministratorDetail::ExternalAdministrator(e) => Administrator {
            id: e.id,
            kind: AdministratorKind::ExternalAdministrator,
            organization: organization(e.organization),
            eboks_allowed: e.allow_eboks,
            authorized_signatory: None,
            roles: flat(e.external_administrator_roles)
                .map(|r| role(r.role, r.assigned_date, r.resigned_date))
                .collect(),
        },
        q::AdministratorDetail::Other => return None,
    })
}

pub fn state(s: Option<q::LegitimationState>) -> LegitimationState {
    match s {
        Some(q::LegitimationState::Pending) => LegitimationState::Pending,
        Some(q::LegitimationState::Approved) => LegitimationState::Approved,
        Some(q::LegitimationState::Rejected) => LegitimationState::Rejected,
        Some(q::LegitimationState::Expired) => LegitimationState::Expired,
        None => LegitimationState::Unknown,
    }
}

pub fn person(p: q::PersonDetail) -> Person {
    Person {
        id: p.id,
        first_name: text(p.firstname),
        last_name: text(p.lastname),
        email: p.email,
        phone: p.phone_number,
        exempt_from_digital_signatures: p.is_exempt_from_digital_signatures,
        address: p.address_entity.map(|a| Address {
            street: text(a.street_name),
            house: text(a.house_number_and_letter),
            postal_code: text(a.postal_code),
            city: text(a.city),
            country: country(a.country),
        }),
        legal_entity: p.legal_entity.map(|l| LegalEntity {
            id: l.id,
            ssn: l.ssn.as_deref().map(Ssn::from_wire),
            legal_name: l.legal_name,
            place_of_birth: l.city_or_location_of_birth,
            country_of_birth: country(l.country_of_birth),
            eid_verified: l.is_eid_verified,
            citizenships: flat(l.citizenships)
                .map(|c| Citizenship {
                    country: country(c.country_data),
                    ssn: c.ssn.as_deref().map(Ssn::from_wire),
                })
                .collect(),
            tax_residencies: flat(l.tax_residencies)
                .map(|t| TaxResidency {
                    country: country(t.country_data),
                    tin: t.tin.as_deref().map(Ssn::from_wire),
                })
                .collect(),
            current_verification: l.current_verification.map(verification),
            verifications: flat(l.verifications).map(verification).collect(),
        }),
        pep: p.politically_exposed_person.map(|x| Pep {
            response: x.pep_response,
            reason: x.pep_reason,
        }),
        administrators: p
            .administrators
            .into_iter()
            .filter_map(administrator)
            .collect(),
        photo_legitimation: p.current_photo_legitimation.map(|d| Legitimation {
            id: Some(d.id),
            version: Some(d.version),
            kind: DocumentKind::PhotoLegitimation,
            state: state(d.state),
            rejected_reason: d.rejected_reason,
            created: d.created_time,
            decided: d.approved_rejected_time,
            expires: d.expiration_date,
            type_names: d
                .legitimation_type
                .map(|t| {
                    flat(t.legitimation_type_localizations)
                        .map(|l| (text(l.language_code), text(l.name)))
                        .collect()
                })
                .unwrap_or_default(),
            file_name: d.file.as_ref().and_then(|f| f.file_name.clone()),
            file_extension: d.file.and_then(|f| f.file_extension),
        }),
        social_security_card: p.current_social_security_card.map(|d| Legitimation {
            id: Some(d.id),
            version: Some(d.version),
            kind: DocumentKind::SocialSecurityCard,
            state: state(d.state),
            rejected_reason: d.rejected_reason,
            created: d.created_time,
            decided: d.approved_rejected_time,
            expires: d.expiration_date,
            type_names: Vec::new(),
            file_name: d.file.as_ref().and_then(|f| f.file_name.clone()),
            file_extension: d.file.and_then(|f| f.file_extension),
        }),
    }
}

pub fn file(f: q::FileBytes) -> Result<core::DocumentFile, String> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(f.base64.unwrap_or_default())
        .map_err(|_| "the document is not valid base64".to_string())?;
    Ok(core::DocumentFile {
        file_name: text(f.file_name),
        extension: text(f.file_extension),
        bytes,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn enum_names_match_the_wire() {
        assert_eq!(super::screaming("ChairMan"), "CHAIR_MAN");
        assert_eq!(super::screaming("Ceo"), "CEO");
    }
}
