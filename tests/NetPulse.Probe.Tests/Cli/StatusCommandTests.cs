using NetPulse.Probe.Cli;
using NetPulse.Probe.Spool;
using NetPulse.Probe.Tests.Spool;

namespace NetPulse.Probe.Tests.Cli;

/// <summary><c>netpulse-probe status --max-silence</c> is the container's health check: exit 1 when nothing was sent for too long.</summary>
public sealed class StatusCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_batch_sent_within_the_largest_silence_is_healthy()
    {
        SpoolState.Write(_folder.Path, new SpoolState { NextSequence = 5, LastSentSequence = 4, LastSentAt = DateTimeOffset.UtcNow.AddSeconds(-30) });

        var (exit, output, _) = await InvokeAsync("status", "--max-silence", "180", "--Probe:Id=lab-01", $"--Probe:Spool:Path={_folder.Path}");

        Assert.Equal(0, exit);
        Assert.Contains("healthy: last batch sent within 00:03:00", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nothing_sent_for_longer_than_the_largest_silence_is_unhealthy()
    {
        SpoolState.Write(_folder.Path, new SpoolState { NextSequence = 5, LastSentSequence = 4, LastSentAt = DateTimeOffset.UtcNow.AddMinutes(-10) });

        var (exit, output, _) = await InvokeAsync("status", "--max-silence", "00:03:00", "--Probe:Id=lab-01", $"--Probe:Spool:Path={_folder.Path}");

        Assert.Equal(StatusCommand.UnhealthyExitCode, exit);
        Assert.Contains("UNHEALTHY: nothing sent for 10 min", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_spool_that_never_sent_is_unhealthy_and_without_a_largest_silence_status_only_reports()
    {
        var (unhealthy, output, _) = await InvokeAsync("status", "--max-silence", "60", "--Probe:Id=lab-01", $"--Probe:Spool:Path={_folder.Path}");
        var (plain, plainOutput, _) = await InvokeAsync("status", "--Probe:Id=lab-01", $"--Probe:Spool:Path={_folder.Path}");

        Assert.Equal(StatusCommand.UnhealthyExitCode, unhealthy);
        Assert.Contains("nothing ever sent from this spool", output, StringComparison.Ordinal);
        Assert.Equal(0, plain);
        Assert.DoesNotContain("health", plainOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("soon")]
    public async Task A_largest_silence_that_is_not_a_positive_duration_is_a_configuration_error_naming_it(string value)
    {
        var (exit, _, error) = await InvokeAsync("status", "--max-silence", value, "--Probe:Id=lab-01", $"--Probe:Spool:Path={_folder.Path}");

        Assert.Equal(ConfigurationErrors.ExitCode, exit);
        Assert.Contains($"max silence '{value}'", error, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Output, string Error)> InvokeAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await ProbeCommandLine.Build(output, error).Parse(args).InvokeAsync();
        return (exit, output.ToString(), error.ToString());
    }
}
