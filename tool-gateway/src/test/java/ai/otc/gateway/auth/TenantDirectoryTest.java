package ai.otc.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;

/**
 * How credentials name a tenant: bearer tokens, client-certificate subjects compared in canonical form,
 * how the two combine, and configuration errors naming their key. Over a real TLS connection:
 * {@code MutualTlsIT}.
 */
class TenantDirectoryTest {
  private static final String ALPHA_TOKEN = "alpha-token-0123456789";
  private static final String BETA_TOKEN = "beta-token-0123456789";

  private final TenantDirectory dir = new TenantDirectory(
      Map.of("alpha", ALPHA_TOKEN, "beta", BETA_TOKEN),
      Map.of("CN=rollout-a, O=otc", "alpha", "CN=rollout-c,OU=train,O=otc.ai", "gamma"));

  private static X500Principal subject(String dn) {
    return new X500Principal(dn);
  }

  @Test
  void aSubjectMatchesWhateverItsSpacingAndCase() {
    // the certificate's RFC 2253 form has no space after the comma; the config had one
    assertThat(dir.byPrincipal(subject("CN=rollout-a,O=otc"))).contains("alpha");
    assertThat(dir.byPrincipal(subject("cn=Rollout-A , o=OTC"))).contains("alpha");
    assertThat(dir.byPrincipal(subject("CN=rollout-c,OU=train,O=otc.ai"))).contains("gamma");
  }

  @Test
  void anotherSubjectDoesNotMatch() {
    // attribute order is part of the name, and a subset or superset is another name
    assertThat(dir.byPrincipal(subject("O=otc,CN=rollout-a"))).isEmpty();
    assertThat(dir.byPrincipal(subject("CN=rollout-a"))).isEmpty();
    assertThat(dir.byPrincipal(subject("CN=rollout-a,O=otc,C=DE"))).isEmpty();
    assertThat(dir.byPrincipal(null)).isEmpty();
  }

  @Test
  void aSentTokenDecidesTheTenantAndAWrongOneIsNeverIgnored() {
    X500Principal alphaCert = subject("CN=rollout-a,O=otc");
    assertThat(dir.authenticate("Bearer " + BETA_TOKEN, alphaCert).tenantName()).contains("beta");
    assertThat(dir.authenticate("Bearer " + BETA_TOKEN, null).tenantName()).contains("beta");
    TenantDirectory.Authentication wrong = dir.authenticate("Bearer not-a-known-token-123", alphaCert);
    assertThat(wrong.tenantName()).isEmpty();
    assertThat(wrong.refusal()).isEqualTo("unknown bearer token");
    assertThat(dir.authenticate("Basic YWxwaGE6eA==", alphaCert).tenantName()).isEmpty();
  }

  @Test
  void withoutATokenTheCertificateDecides() {
    assertThat(dir.authenticate(null, subject("CN=rollout-a,O=otc")).tenantName()).contains("alpha");
    TenantDirectory.Authentication stranger = dir.authenticate(null, subject("CN=rollout-x,O=otc"));
    assertThat(stranger.tenantName()).isEmpty();
    assertThat(stranger.refusal()).isEqualTo("client certificate subject CN=rollout-x,O=otc is not mapped to a tenant");
    TenantDirectory.Authentication nothing = dir.authenticate(null, null);
    assertThat(nothing.tenantName()).isEmpty();
    assertThat(nothing.refusal()).startsWith("no credential");
  }

  @Test
  void aBadSubjectStopsTheStartNamingItsKey() {
    assertThatThrownBy(() -> new TenantDirectory(Map.of(), Map.of("rollout-a", "alpha")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("otc.gateway.auth.mtls-principals.\"rollout-a\" is not an X.500 distinguished name");
    assertThatThrownBy(() -> new TenantDirectory(Map.of(), Map.of("CN=rollout-a", " ")))
        .hasMessage("otc.gateway.auth.mtls-principals.\"CN=rollout-a\" must name a tenant");
    // two spellings of one subject would make the tenant depend on map order
    assertThatThrownBy(() -> new TenantDirectory(Map.of(), Map.of("CN=rollout-a,O=otc", "alpha", "cn=rollout-a, o=otc", "beta")))
        .hasMessageContaining("is the same subject as another entry of otc.gateway.auth.mtls-principals");
  }

  @Test
  void tokensStayAsTheyWere() {
    assertThat(dir.byAuthorization("bearer " + ALPHA_TOKEN)).isEqualTo(Optional.of("alpha"));
    assertThatThrownBy(() -> new TenantDirectory(Map.of("a", "short"), Map.of()))
        .hasMessage("otc.gateway.auth.tenants.a.token must have at least 16 characters");
    assertThatThrownBy(() -> new TenantDirectory(Map.of("a", ALPHA_TOKEN, "b", ALPHA_TOKEN), Map.of()))
        .hasMessageEndingWith(".token is the same token as another tenant's");
  }
}
