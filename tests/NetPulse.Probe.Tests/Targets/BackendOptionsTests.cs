using Microsoft.Extensions.Options;
using NetPulse.Probe.Hosting;
using NetPulse.Probe.Tests.Spool;

namespace NetPulse.Probe.Tests.Targets;

/// <summary>Probe:Site and Probe:Backend are checked at start like every other setting.</summary>
public sealed class BackendOptionsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("--Probe:Backend:ApiUrl=ftp://example.test/api", "Probe:Backend:ApiUrl: 'ftp://example.test/api' must be an absolute http(s) URL")]
    [InlineData("--Probe:Backend:ApiUrl=https://example.test/", "Probe:Backend:ApiUrl: 'https://example.test/' must be the API's base URL, ending in /api")]
    [InlineData("--Probe:Backend:RefreshSeconds=1", "Probe:Backend:RefreshSeconds: 1 is out of range: it must be between 5 and 3600 seconds")]
    [InlineData("--Probe:Site=a\u200Bb", "Probe:Site: must not contain U+200B (a format character)")]
    public void A_bad_backend_or_site_setting_is_named(string argument, string expected)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Validate(argument));

        Assert.Contains(error.Failures, f => f.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void An_api_url_ending_in_api_and_a_site_are_accepted()
    {
        var options = Validate("--Probe:Backend:ApiUrl=https://netpulse.example.test/api", "--Probe:Site=office-berlin");

        Assert.Equal(new Uri("https://netpulse.example.test/api"), options.Backend.ApiUrl);
        Assert.Equal(60, options.Backend.RefreshSeconds);
    }

    private NetPulse.Probe.Configuration.ProbeOptions Validate(params string[] arguments)
    {
        var file = _folder.Combine("targets.json");
        File.WriteAllText(file, """{ "Targets": [ { "Name": "a", "Host": "127.0.0.1" } ] }""");
        using var host = ProbeHost.CreateBuilder([$"--Probe:TargetsFile={file}", $"--Probe:Spool:Path={_folder.Combine("spool")}", "--Probe:Queue:ConnectionString=UseDevelopmentStorage=true", .. arguments]).Build();
        return ProbeHost.ValidatedOptions(host.Services);
    }
}
