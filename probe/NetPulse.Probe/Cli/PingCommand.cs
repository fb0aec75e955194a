using System.CommandLine;

namespace NetPulse.Probe.Cli;

/// <summary><c>ping &lt;host&gt;</c>: a one-off ping with ping-like output, through the same engine as <c>run</c>.</summary>
internal static class PingCommand
{
    public static Command Build(TextWriter output, TextWriter error)
    {
        var host = new Argument<string>("host") { Description = "An IPv4 or IPv6 address or a DNS name." };
        var command = new Command("ping", "Ping one host a few times, as ping does, through the probe's ICMP engine.") { host };
        command.SetAction((result, _) =>
        {
            error.WriteLine("ping: not wired yet");
            output.Flush();
            return Task.FromResult(1);
        });
        return command;
    }
}
