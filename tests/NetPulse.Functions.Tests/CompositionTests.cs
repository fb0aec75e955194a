using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using NetPulse.Functions.Triggers;
using NetPulse.Monitoring.Hosting;

namespace NetPulse.Functions.Tests;

/// <summary>
/// The Functions host's services as Program.cs builds them, with the hosted services removed (no gRPC
/// channel to a Functions host, no HTTP server): every function class and every options object must
/// resolve, so a DI or settings mistake fails here rather than in the first deploy.
/// </summary>
public sealed partial class CompositionTests : IDisposable
{
    private static readonly Assembly FunctionsAssembly = typeof(FunctionsComposition).Assembly;

    private readonly IHost _host;
    private readonly IReadOnlyList<Type> _optionTypes;

    public CompositionTests() => (_host, _optionTypes) = BuildHost(SampleSettings.Load());

    public static TheoryData<Type> FunctionClasses() => [.. FunctionTypes()];

    [Theory]
    [MemberData(nameof(FunctionClasses))]
    public void Every_function_class_resolves_with_the_sample_settings(Type functionClass)
    {
        using var scope = _host.Services.CreateScope();

        var instance = ActivatorUtilities.CreateInstance(scope.ServiceProvider, functionClass);

        Assert.IsType(functionClass, instance);
    }

    [Fact]
    public void The_function_classes_are_the_ones_the_issue_names()
    {
        Assert.Equal(
            [
                "Compact", "DailyReport", "Export", "Health", "Incidents", "IngestBatch", "OpenApi", "RebuildReport", "RemindAlerts", "Report",
                "Reports", "SendAlert", "Target", "TargetSeries", "Targets", "Watchdog",
            ],
            FunctionTypes().SelectMany(t => t.GetMethods()).Select(m => m.GetCustomAttribute<FunctionAttribute>()?.Name).OfType<string>().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_options_object_binds_and_validates_with_the_sample_settings()
    {
        Assert.Contains(typeof(NetPulse.Monitoring.Alerts.SmtpOptions), _optionTypes);
        Assert.Contains(typeof(NetPulse.Monitoring.Alerts.AlertOptions), _optionTypes);

        foreach (var type in _optionTypes)
        {
            var options = _host.Services.GetRequiredService(typeof(IOptions<>).MakeGenericType(type));
            Assert.NotNull(typeof(IOptions<>).MakeGenericType(type).GetProperty("Value")!.GetValue(options));
        }

        // What Host.StartAsync runs for ValidateOnStart.
        _host.Services.GetService<IStartupValidator>()?.Validate();
    }

    [Fact]
    public void A_broken_setting_fails_the_start_with_its_name()
    {
        var settings = SampleSettings.Load();
        settings["NetPulse:Smtp:To"] = string.Empty;
        using var host = BuildHost(settings).Host;

        var ex = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("NetPulse:Smtp:To", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ingestion_writes_alerts_to_the_queue_that_SendAlert_listens_on()
    {
        var settings = SampleSettings.Load();
        settings[TriggerSettings.AlertQueue] = "netpulse-alerts";
        using var host = BuildHost(settings).Host;

        var storage = host.Services.GetRequiredService<IOptions<NetPulse.Monitoring.Storage.StorageOptions>>().Value;

        Assert.Equal("netpulse-alerts", storage.AlertQueueName);
    }

    [Fact]
    public void Every_percent_setting_of_a_trigger_has_a_sample_value_and_a_dev_host_default()
    {
        var sample = SampleSettings.Load();
        var named = FunctionTypes()
            .SelectMany(t => t.GetMethods())
            .SelectMany(m => m.GetParameters())
            .SelectMany(p => p.GetCustomAttributesData())
            .SelectMany(a => a.ConstructorArguments.Select(c => c.Value).Concat(a.NamedArguments.Select(n => n.TypedValue.Value)))
            .OfType<string>()
            .SelectMany(v => PercentSetting().Matches(v).Select(m => m.Groups[1].Value))
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(
            [TriggerSettings.AlertQueue, TriggerSettings.CompactionSchedule, TriggerSettings.PingBatchQueue, TriggerSettings.ReminderSchedule, TriggerSettings.ReportSchedule,
             TriggerSettings.WatchdogSchedule],
            named);
        Assert.All(named, n => Assert.False(string.IsNullOrWhiteSpace(sample.GetValueOrDefault(n)), $"{n} has no value in {SampleSettings.Path}"));
        Assert.All(named, n => Assert.Equal(TriggerSettings.Defaults[n], sample[n]));
    }

    [Fact]
    public async Task The_health_function_answers_200_with_a_json_status()
    {
        using var scope = _host.Services.CreateScope();
        var function = ActivatorUtilities.CreateInstance<Health>(scope.ServiceProvider);
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Method = "GET";
        context.Request.Path = "/api/health";
        context.Response.Body = new MemoryStream();

        await function.Run(context.Request).ExecuteAsync(context);

        Assert.Equal(StatusCodes.Status200OK, context.Response.StatusCode);
        context.Response.Body.Position = 0;
        var body = await new StreamReader(context.Response.Body).ReadToEndAsync();
        Assert.Contains("\"status\":\"ok\"", body, StringComparison.Ordinal);
    }

    public void Dispose() => _host.Dispose();

    private static IEnumerable<Type> FunctionTypes() =>
        FunctionsAssembly.GetTypes()
            .Where(t => t.GetMethods().Any(m => m.GetCustomAttribute<FunctionAttribute>() is not null))
            .OrderBy(t => t.Name, StringComparer.Ordinal);

    private static IEnumerable<Type> OptionsTypes(IServiceCollection services) =>
        services
            .Select(d => d.ServiceType)
            .Where(t => t.IsGenericType && (t.GetGenericTypeDefinition() == typeof(IConfigureOptions<>) || t.GetGenericTypeDefinition() == typeof(IValidateOptions<>)))
            .Select(t => t.GetGenericArguments()[0])
            .Where(t => t.Assembly.GetName().Name!.StartsWith("NetPulse.", StringComparison.Ordinal))
            .Distinct();

    private static (IHost Host, IReadOnlyList<Type> OptionTypes) BuildHost(Dictionary<string, string?> settings)
    {
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddNetPulseFunctions();
        builder.Services.RemoveAll<IHostedService>();
        var optionTypes = OptionsTypes(builder.Services).ToList();
        return (builder.Build(), optionTypes);
    }

    [GeneratedRegex("%([^%]+)%")]
    private static partial Regex PercentSetting();
}
