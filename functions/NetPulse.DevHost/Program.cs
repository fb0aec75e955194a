using NetPulse.DevHost;

var app = DevHostApplication.Build(args);
await app.RunAsync();
