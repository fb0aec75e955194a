using System.Globalization;
using System.Text;
using NetPulse.Monitoring.Api;
using static NetPulse.Monitoring.Tests.Api.ApiScenario;

namespace NetPulse.Monitoring.Tests.Api;

[Collection(SharedApiRig.Name)]
public sealed class ExportApiTests(ApiRig rig)
{
    /// <summary>Across midnight: two days, two reads.</summary>
    private const string Range = "&from=2026-02-28T23:30:00Z&to=2026-03-01T00:30:00Z";

    private static readonly DateTimeOffset From = new(2026, 2, 28, 23, 30, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = new(2026, 3, 1, 0, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task Csv_has_every_round_and_the_hostile_name_neutralised_and_quoted()
    {
        var answer = await Answer.Of(r => rig.Export.ExportAsync(r, CancellationToken.None), $"?target={ApiRig.Id(Home, Hostile)}{Range}&format=csv");

        Assert.Equal(200, answer.Status);
        Assert.Equal("text/csv; charset=utf-8", answer.ContentType);
        Assert.Equal($"attachment; filename=\"netpulse-{ApiRig.Id(Home, Hostile)}-20260228T233000Z.csv\"", answer.Headers["Content-Disposition"]);
        var lines = answer.Text.Split("\r\n");
        Assert.Equal("time,probeId,target,status,rttMs", lines[0]);
        Assert.Equal("", lines[^1]);
        var rows = lines[1..^1];
        var expected = Rounds(Home, Hostile, From, To).ToList();
        Assert.Equal(3601, expected.Count);
        Assert.Equal(
            expected.Select(r => $"{r.Time.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'},home-1,\"'=HYPERLINK(\"\"http://x.example\"\",\"\"a,b\"\"),'=1+1\",ok,{(r.Value / 1000.0).ToString(CultureInfo.InvariantCulture)}"),
            rows);

        // No cell of the file starts a formula, quoted or not, nor does one when a naive reader splits at every comma.
        Assert.DoesNotContain(rows, row => row.Contains(",=", StringComparison.Ordinal) || row.Contains(",\"=", StringComparison.Ordinal));
        Assert.DoesNotContain(rows.SelectMany(row => row.Split(',')), cell => cell.TrimStart('"').StartsWith('='));
    }

    [Fact]
    public async Task Csv_marks_failed_rounds_with_their_status_and_no_rtt()
    {
        var answer = await Answer.Of(r => rig.Export.ExportAsync(r, CancellationToken.None), $"?target={ApiRig.Id(Home, Printer)}&from=2026-03-01T02:26:58Z&to=2026-03-01T02:27:01Z");

        Assert.Equal(
        [
            "time,probeId,target,status,rttMs",
            FormattableString.Invariant($"2026-03-01T02:26:58Z,home-1,printer,ok,{Value(Home, Printer, PrinterDownFrom.AddSeconds(-2)) / 1000.0}"),
            FormattableString.Invariant($"2026-03-01T02:26:59Z,home-1,printer,ok,{Value(Home, Printer, PrinterDownFrom.AddSeconds(-1)) / 1000.0}"),
            "2026-03-01T02:27:00Z,home-1,printer,timeout,",
            "2026-03-01T02:27:01Z,home-1,printer,timeout,",
            "",
        ], answer.Text.Split("\r\n"));
    }

    [Fact]
    public async Task Json_has_every_round_with_the_name_as_it_is()
    {
        var answer = await Answer.Of(r => rig.Export.ExportAsync(r, CancellationToken.None), $"?target={ApiRig.Id(Home, Hostile)}{Range}&format=json");

        Assert.Equal(200, answer.Status);
        Assert.Equal("application/json; charset=utf-8", answer.ContentType);
        Assert.EndsWith(".json\"", answer.Headers["Content-Disposition"], StringComparison.Ordinal);
        var json = answer.Json;
        Assert.Equal(Hostile, json.GetProperty("targetName").GetString());
        Assert.Equal(ApiRig.Id(Home, Hostile), json.GetProperty("targetId").GetString());
        Assert.Equal("2026-02-28T23:30:00Z", json.GetProperty("from").GetString());
        var samples = json.GetProperty("samples").EnumerateArray().ToList();
        var expected = Rounds(Home, Hostile, From, To).ToList();
        Assert.Equal(expected.Select(r => (r.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), "ok", r.Value / 1000.0)),
            samples.Select(s => (s.GetProperty("t").GetString()!, s.GetProperty("status").GetString()!, s.GetProperty("rttMs").GetDouble())));
    }

    [Fact]
    public async Task The_first_rows_are_written_before_the_last_day_is_read()
    {
        var body = new FirstWriteStream(() => rig.Counter.TableReads);
        var readsBefore = rig.Counter.TableReads;

        var answer = await Answer.Of(r => rig.Export.ExportAsync(r, CancellationToken.None), $"?target={ApiRig.Id(Home, Gateway)}{Range}", body: body);

        Assert.Equal(200, answer.Status);
        Assert.True(body.Writes > 1, "the body was written in one piece");
        Assert.True(body.ReadsAtFirstWrite < rig.Counter.TableReads, $"all {rig.Counter.TableReads - readsBefore} reads happened before the first byte was written");
        Assert.Equal(3602, Encoding.UTF8.GetString(body.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Theory]
    [InlineData("", "target")]
    [InlineData("?target=", "target")]
    [InlineData("?target=gw", "target")]
    [InlineData("?target=home-1~Z3c&format=xml", "format")]
    [InlineData("?target=home-1~Z3c&format=CSV", "format")]
    [InlineData("?target=home-1~Z3c&from=now", "from")]
    [InlineData("?target=home-1~Z3c&from=2026-01-01T00:00:00Z&to=2026-02-02T00:00:00Z", "from")]
    [InlineData("?target=home-1~Z3c&from=2026-03-01T00:00:00Z&to=2026-02-28T00:00:00Z", "from")]
    [InlineData("?target=home-1~Z3c&target=home-1~Z3c", "target")]
    public async Task A_bad_parameter_is_a_400_naming_it(string query, string parameter)
    {
        (await Answer.Of(r => rig.Export.ExportAsync(r, CancellationToken.None), query)).AssertProblem(400, parameter);
    }

    [Fact]
    public async Task An_unknown_target_is_a_404_naming_target()
    {
        (await Answer.Of(r => rig.Export.ExportAsync(r, CancellationToken.None), "?target=" + ApiRig.Id(Office, Nas))).AssertProblem(404, "target");
    }

    /// <summary>A response body that notes how many storage reads had happened when the first bytes arrived.</summary>
    private sealed class FirstWriteStream(Func<int> reads) : MemoryStream
    {
        public int ReadsAtFirstWrite { get; private set; } = -1;

        public int Writes { get; private set; }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Note();
            base.Write(buffer, offset, count);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            Note();
            return base.WriteAsync(buffer, offset, count, cancellationToken);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Note();
            return base.WriteAsync(buffer, cancellationToken);
        }

        private void Note()
        {
            Writes++;
            if (ReadsAtFirstWrite < 0)
            {
                ReadsAtFirstWrite = reads();
            }
        }
    }
}
