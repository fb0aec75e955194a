using NetPulse.Testing.SignIn;

namespace NetPulse.Testing.DevHost;

/// <summary>
/// The dev host with sign-in required, against a local token issuer on loopback: the class fixture of every test of
/// who may call what. A derived fixture adds its settings in <see cref="Configure"/>.
/// </summary>
public class SignedInDevHost : IAsyncLifetime
{
    private DevHostFixture? _devHost;
    private LocalTokenIssuer? _issuer;

    public LocalTokenIssuer Issuer => _issuer ?? throw new InvalidOperationException("not started");

    public DevHostFixture DevHost => _devHost ?? throw new InvalidOperationException("not started");

    public async Task InitializeAsync()
    {
        _issuer = await LocalTokenIssuer.StartAsync();
        var settings = _issuer.Settings();
        Configure(settings);
        _devHost = await DevHostFixture.StartAsync(settings, log: null);
    }

    public virtual async Task DisposeAsync()
    {
        if (_devHost is not null)
        {
            await _devHost.DisposeAsync();
        }

        if (_issuer is not null)
        {
            await _issuer.DisposeAsync();
        }
    }

    /// <summary>Settings beyond the issuer's, before the dev host starts.</summary>
    protected virtual void Configure(Dictionary<string, string> settings)
    {
    }
}
