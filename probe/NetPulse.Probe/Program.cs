using NetPulse.Probe.Cli;

return await ProbeCommandLine.Build(Console.Out, Console.Error).Parse(args).InvokeAsync();
