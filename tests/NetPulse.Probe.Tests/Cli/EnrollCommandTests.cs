using System.Security.Cryptography;
using NetPulse.Contracts;
using NetPulse.Probe.Cli;
using NetPulse.Probe.Hosting;
using NetPulse.Probe.Tests.Spool;

namespace NetPulse.Probe.Tests.Cli;

/// <summary><c>netpulse-probe enroll</c> makes the probe's key once, owner-only, and <c>run</c> refuses to start without one.</summary>
public sealed class EnrollCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Enroll_makes_a_p256_key_readable_by_its_owner_only_and_prints_what_to_register()
    {
        var (exit, output, _) = await InvokeAsync("enroll", "--Probe:Id=lab-01", $"--Probe:Spool:Path={_folder.Path}");

        Assert.Equal(0, exit);
        var path = _folder.Combine("probe.key");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        using var key = ECDsa.Create();
        key.ImportFromPem(await File.ReadAllTextAsync(path));
        Assert.Equal(ECCurve.NamedCurves.nistP256.Oid.Value, key.ExportParameters(false).Curve.Oid.Value);
        var spki = key.ExportSubjectPublicKeyInfo();
        Assert.Contains("probe:      lab-01", output, StringComparison.Ordinal);
        Assert.Contains($"key id:     {ProbeKeys.KeyId(spki)}", output, StringComparison.Ordinal);
        Assert.Contains($"public key: {Convert.ToBase64String(spki)}", output, StringComparison.Ordinal);
        Assert.Contains("--register", output, StringComparison.Ordinal);
        Assert.DoesNotContain(Directory.EnumerateFiles(_folder.Path), f => f != path);
    }

    [Fact]
    public async Task Enroll_without_a_configured_id_settles_the_generated_one_that_run_will_use()
    {
        var (exit, output, _) = await InvokeAsync("enroll", $"--Probe:Spool:Path={_folder.Path}");

        Assert.Equal(0, exit);
        var id = (await File.ReadAllTextAsync(_folder.Combine("probe-id"))).Trim();
        Assert.Matches("^[A-Za-z0-9._-]+-[0-9a-f]{6}$", id);
        Assert.Contains($"probe:      {id}", output, StringComparison.Ordinal);
        Assert.Equal(id, ProbeIdFile.ResolveOrCreate(null, _folder.Path, Environment.MachineName).Id);
    }

    [Fact]
    public async Task Enroll_again_keeps_the_key_it_made()
    {
        await InvokeAsync("enroll", "--Probe:Id=lab-01", $"--Probe:Spool:Path={_folder.Path}");
        var first = await File.ReadAllTextAsync(_folder.Combine("probe.key"));

        var (exit, output, _) = await InvokeAsync("enroll", "--Probe:Id=lab-01", $"--Probe:Spool:Path={_folder.Path}");

        Assert.Equal(0, exit);
        Assert.Equal(first, await File.ReadAllTextAsync(_folder.Combine("probe.key")));
        Assert.Contains("kept: it existed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enroll_with_a_register_url_that_is_none_keeps_the_key_and_says_so()
    {
        var (exit, _, error) = await InvokeAsync("enroll", "--register", "127.0.0.1:7071/api", "--Probe:Id=lab-01", $"--Probe:Spool:Path={_folder.Path}");

        Assert.Equal(2, exit);
        Assert.Contains("--register '127.0.0.1:7071/api' is not the API's base URL", error, StringComparison.Ordinal);
        Assert.True(File.Exists(_folder.Combine("probe.key")));
    }

    [Fact]
    public async Task Check_config_says_whether_the_probe_has_its_key()
    {
        var (_, before, _) = await InvokeAsync("check-config", "--Probe:Id=lab-01", $"--Probe:Spool:Path={_folder.Path}");
        await InvokeAsync("enroll", "--Probe:Id=lab-01", $"--Probe:Spool:Path={_folder.Path}");
        var (exit, after, _) = await InvokeAsync("check-config", "--Probe:Id=lab-01", $"--Probe:Spool:Path={_folder.Path}");

        Assert.Contains("key: MISSING OR UNREADABLE, run will not start", before, StringComparison.Ordinal);
        Assert.Equal(0, exit);
        using var key = ECDsa.Create();
        key.ImportFromPem(await File.ReadAllTextAsync(_folder.Combine("probe.key")));
        Assert.Contains($"key id {ProbeKeys.KeyId(key.ExportSubjectPublicKeyInfo())}", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_without_a_key_refuses_to_start_and_says_to_enroll()
    {
        var (exit, _, error) = await InvokeAsync("run", "--Probe:Id=lab-01", $"--Probe:Spool:Path={_folder.Path}");

        Assert.Equal(2, exit);
        Assert.Contains("this probe has no key", error, StringComparison.Ordinal);
        Assert.Contains("run 'netpulse-probe enroll'", error, StringComparison.Ordinal);
        Assert.False(File.Exists(_folder.Combine("probe.key")));
    }

    [Fact]
    public async Task Run_with_a_key_that_is_not_one_refuses_to_start_naming_the_file()
    {
        await File.WriteAllTextAsync(_folder.Combine("probe.key"), "garbage");

        var (exit, _, error) = await InvokeAsync("run", "--Probe:Id=lab-01", $"--Probe:Spool:Path={_folder.Path}");

        Assert.Equal(2, exit);
        Assert.Contains(_folder.Combine("probe.key"), error, StringComparison.Ordinal);
        Assert.Contains("not an ECDSA P-256 private key", error, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output, string Error)> InvokeAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await ProbeCommandLine.Build(output, error).Parse(args).InvokeAsync();
        return (exit, output.ToString(), error.ToString());
    }
}
