using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetPulse.Monitoring.Api.SignIn;

namespace NetPulse.Functions;

/// <summary>Says at start whether the HTTP API requires sign-in, so an open API (func start with Mode=Open) never goes unnoticed.</summary>
internal sealed class SignInAnnouncement(IOptions<SignInOptions> options, ILogger<SignInAnnouncement> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var signIn = options.Value;
        if (signIn.EffectiveMode == SignInMode.Open)
        {
            logger.LogWarning(
                "The HTTP API answers WITHOUT sign-in ({Setting}=Open): for local development only; in Azure the template sets Required",
                $"{SignInOptions.Section}:Mode");
        }
        else
        {
            logger.LogInformation("The HTTP API requires sign-in: tokens from {Issuer} for {Audiences}", signIn.Issuer, string.Join(" or ", signIn.Audiences));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
