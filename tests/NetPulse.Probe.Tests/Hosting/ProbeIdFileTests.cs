using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetPulse.Contracts;
using NetPulse.Probe.Batching;
using NetPulse.Probe.Cli;
using NetPulse.Probe.Configuration;
using NetPulse.Probe.Hosting;
using NetPulse.Probe.Tests.Spool;
using NetPulse.Testing.Logging;

namespace NetPulse.Probe.Tests.Hosting;

public sealed class ProbeIdFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Two_spool_folders_on_one_machine_get_two_ids_of_the_machine_name_and_a_suffix()
    {
        var first = ProbeIdFile.ResolveOrCreate(null, _folder.Combine("a"), "raspberrypi");
        var second = ProbeIdFile.ResolveOrCreate(null, _folder.Combine("b"), "raspberrypi");

        Assert.NotEqual(first.Id, second.Id);
        Assert.All([first, second], id =>
        {
            Assert.Matches("^raspberrypi-[0-9a-f]{6}$", id.Id);
            Assert.Equal(ProbeIdSource.Generated, id.Source);
        });
        Assert.Equal(first.Id + "\n", File.ReadAllText(_folder.Combine("a", ProbeIdFile.FileName)));
    }

    [Fact]
    public void A_later_start_on_the_same_spool_reuses_the_id_and_leaves_no_temporary_file()
    {
        var generated = ProbeIdFile.ResolveOrCreate(null, _folder.Path, "raspberrypi");

        var again = ProbeIdFile.ResolveOrCreate(null, _folder.Path, "another-name");

        Assert.Equal(new ResolvedProbeId(generated.Id, ProbeIdSource.File, _folder.Combine(ProbeIdFile.FileName)), again);
        Assert.Equal([ProbeIdFile.FileName], Directory.GetFiles(_folder.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_configured_id_wins_and_writes_nothing()
    {
        File.WriteAllText(_folder.Combine(ProbeIdFile.FileName), "kept-7f3a9c");
        var empty = _folder.Combine("empty");

        Assert.Equal(new ResolvedProbeId("gateway-box", ProbeIdSource.Configured, null), ProbeIdFile.ResolveOrCreate("gateway-box", _folder.Path, "raspberrypi"));
        Assert.Equal("gateway-box", ProbeIdFile.ResolveOrCreate("gateway-box", empty, "raspberrypi").Id);
        Assert.False(Directory.Exists(empty));
    }

    [Fact]
    public void A_hand_written_id_with_a_trailing_newline_is_read()
    {
        File.WriteAllText(_folder.Combine(ProbeIdFile.FileName), "  office-1 \r\n");

        Assert.Equal("office-1", ProbeIdFile.ResolveOrCreate(null, _folder.Path, "raspberrypi").Id);
    }

    [Theory]
    [InlineData("", "holds nothing")]
    [InlineData("\n", "holds nothing")]
    [InlineData("bad id!", "holds 'bad id!'")]
    [InlineData("\0\0\0\0", "holds '\0\0\0\0'")]
    public void An_empty_or_corrupt_id_file_stops_the_start_with_the_file_and_the_fix_and_is_not_replaced(string content, string said)
    {
        var path = _folder.Combine(ProbeIdFile.FileName);
        File.WriteAllText(path, content);

        var error = Assert.Throws<ProbeConfigurationException>(() => ProbeIdFile.ResolveOrCreate(null, _folder.Path, "raspberrypi"));

        Assert.StartsWith($"{path}: the probe id file {said}, not a probe id", error.Message, StringComparison.Ordinal);
        Assert.Contains("set Probe:Id, or delete the file to generate a new id", error.Message, StringComparison.Ordinal);
        Assert.Equal(content, File.ReadAllText(path));
    }

    [Theory]
    [InlineData("raspberrypi", "^raspberrypi-[0-9a-f]{6}$")]
    [InlineData("My Pi (kitchen)", "^My-Pi--kitchen--[0-9a-f]{6}$")]
    [InlineData("-._", "^probe-[0-9a-f]{6}$")]
    public void A_generated_id_is_the_machine_name_made_valid_plus_a_suffix(string machineName, string pattern)
    {
        var id = ProbeIdentity.Generate(machineName);

        Assert.Matches(pattern, id);
        Assert.True(PingBatchRules.IsValidProbeId(id));
    }

    [Fact]
    public void A_long_machine_name_is_shortened_so_the_suffix_still_fits()
    {
        var id = ProbeIdentity.Generate(new string('a', 100));

        Assert.Equal(PingBatchRules.MaxProbeIdLength, id.Length);
        Assert.Matches("^a{57}-[0-9a-f]{6}$", id);
    }

    [Fact]
    public void The_run_host_without_an_id_generates_one_into_the_spool_and_the_next_host_reuses_it()
    {
        using var log = new TestLog();
        // run refuses to start without the probe's key; the key does not depend on the id.
        using (var key = new NetPulse.Testing.TestProbe("any"))
        {
            key.WriteKeyFile(_folder.Path);
        }

        string Run()
        {
            var builder = ProbeHost.CreateRunBuilder([$"--Probe:Spool:Path={_folder.Path}"]);
            builder.Logging.AddProvider(log);
            using var host = builder.Build();
            var options = ProbeHost.ValidatedOptions(host.Services);

            // The validation on start builds the options again: the id is still settled (and logged) once.
            Assert.Equal(options.Id, host.Services.GetRequiredService<IOptionsMonitor<ProbeOptions>>().CurrentValue.Id);
            Assert.Equal(options.Id, host.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<Batcher>().Single().ProbeId);
            return options.Id!;
        }

        var first = Run();

        Assert.Equal(first, Run());
        Assert.Equal(
            [$"Probe id {first} generated (Probe:Id is not set) and kept in {_folder.Combine(ProbeIdFile.FileName)}; later starts reuse it", $"Probe id {first} read from {_folder.Combine(ProbeIdFile.FileName)}"],
            log.Entries.Where(e => e.Message.StartsWith("Probe id", StringComparison.Ordinal)).Select(e => e.Message));
        Assert.Equal(first, File.ReadAllText(_folder.Combine(ProbeIdFile.FileName)).Trim());
        Assert.Matches("-[0-9a-f]{6}$", first);
    }

    [Fact]
    public async Task Status_shows_the_id_and_where_it_came_from_without_generating_one()
    {
        var path = _folder.Combine(ProbeIdFile.FileName);

        var before = await StatusAsync();
        Assert.Contains($"probe id not generated yet (the first run writes it to {path})", before, StringComparison.Ordinal);
        Assert.False(File.Exists(path));

        var id = ProbeIdFile.ResolveOrCreate(null, _folder.Path, "raspberrypi").Id;
        Assert.Contains($"probe '{id}' (from {path}), spool {_folder.Path}", await StatusAsync(), StringComparison.Ordinal);
        Assert.Contains("probe 'box-1' (configured, Probe:Id)", await StatusAsync("--Probe:Id=box-1"), StringComparison.Ordinal);
    }

    private async Task<string> StatusAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await ProbeCommandLine.Build(output, error).Parse(["status", $"--Probe:Spool:Path={_folder.Path}", .. args]).InvokeAsync();
        Assert.True(exit == 0, error.ToString());
        return output.ToString();
    }
}
