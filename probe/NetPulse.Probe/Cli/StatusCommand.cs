using System.CommandLine;

namespace NetPulse.Probe.Cli;

/// <summary><c>status</c>: the spool's depth, the oldest unsent batch and the last successful send.</summary>
internal static class StatusCommand
{
    public static Command Build(TextWriter output, TextWriter error)
    {
        var command = new Command("status", "Show the spool depth, the oldest unsent batch and the last successful send.");
        command.SetAction((result, _) =>
        {
            error.WriteLine("status: not wired yet");
            output.Flush();
            return Task.FromResult(1);
        });
        return command;
    }
}
