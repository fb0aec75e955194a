namespace NetPulse.Monitoring.Api.SignIn;

/// <summary>Who may call a route; every route in <see cref="NetPulseApi.Routes"/> names one.</summary>
public enum ApiAccess
{
    /// <summary>Anyone, signed in or not: health and the OpenAPI document, which say nothing about the network.</summary>
    Anonymous,

    /// <summary>A signed-in user with the Reader or the Admin role: every read.</summary>
    Reader,

    /// <summary>A signed-in user with the Admin role: what changes data.</summary>
    Admin,

    /// <summary>
    /// A registered probe, by its signed request (<c>Authorization: NPR1 …</c>, <see cref="Contracts.ProbeRequestSignature"/>):
    /// the gate lets it through without a user token and the handler checks the signature against the probe's registered key.
    /// </summary>
    Probe,
}

/// <summary>The app roles of the NetPulse API's app registration, as the token's "roles" claim carries them.</summary>
public static class ApiRoles
{
    public const string Reader = "Reader";
    public const string Admin = "Admin";

    /// <summary>The roles that grant <paramref name="access"/>: an Admin may read too.</summary>
    public static IReadOnlyList<string> Granting(ApiAccess access) => access switch
    {
        ApiAccess.Anonymous => [],
        ApiAccess.Reader => [Reader, Admin],
        ApiAccess.Admin => [Admin],
        ApiAccess.Probe => [],
    };
}
