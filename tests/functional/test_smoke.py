from portico.domain.business import NewBusiness
from portico.services.portals import provision_business
from tests.support.api import call


def test_given_business_when_api_key_reads_portal_then_it_sees_its_settings(services):
    created = provision_business(
        services, NewBusiness(name="Sparkling Pools", slug="sparkling-pools")
    )
    response = call("GET", "/v1/admin/portal", api_key=created.admin_api_key)
    assert response.status == 200, response.body
    assert response.json()["slug"] == "sparkling-pools"
    assert call("GET", "/v1/admin/portal").status == 401
    assert call("GET", "/v1/portals/sparkling-pools").status == 404  # disabled by default
