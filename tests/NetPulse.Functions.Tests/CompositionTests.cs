using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using NetPulse.Functions.Triggers;
using NetPulse.Monitoring.Api.SignIn;
using NetPulse.Monitoring.Hosting;
using NetPulse.Monitoring.Mail;
using NetPulse.Testing;
using NetPulse.Testing.Logging;

namespace NetPulse.Functions.Tests;

/// <summary>
/// The Functions host's services as Program.cs builds them, with the hosted services removed (no gRPC
/// channel to a Functions host, no HTTP server): every function class's dependencies and every options object
/// must resolve and validate, and every options type must refuse a bad setting at start naming it, so a DI or
/// settings mistake fails here rather than in the first deploy.
/// </summary>
public sealed partial class CompositionTests : IDisposable
{
    private static readonly Assembly FunctionsAssembly = typeof(FunctionsComposition).Assembly;

    private static readonly MethodInfo CheckSampleMethod = typeof(CompositionTests).GetMethod(nameof(CheckSample), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>
    /// Per options type (full name): one setting that breaks it, its value, and what the start failure must name.
    /// Every options type the composition configures needs one (<see cref="Every_options_type_has_a_broken_setting_case"/>).
    /// </summary>
    private static readonly Dictionary<string, (string Key, string? Value, string Named)> BrokenSettings = new(StringComparer.Ordinal)
    {
        ["NetPulse.Monitoring.Storage.StorageAccountOptions"] = ("AzureWebJobsStorage", "", "'AzureWebJobsStorage'"),
        ["NetPulse.Monitoring.Storage.StorageOptions"] = ("NetPulse:Storage:ProbeStateCacheDuration", "-00:05:00", "NetPulse:Storage:ProbeStateCacheDuration"),
        ["NetPulse.Monitoring.Storage.LimitsOptions"] = ("NetPulse:Limits:MaxSequenceJump", "0", "NetPulse:Limits:MaxSequenceJump"),
        ["NetPulse.Monitoring.Incidents.DetectionOptions"] = ("NetPulse:Detection:LatencyOpenAfter", "-00:01:00", "NetPulse:Detection:LatencyOpenAfter"),
        ["NetPulse.Monitoring.Rollups.CompactionOptions"] = ("NetPulse:Compaction:SettleDelay", "-00:02:00", "NetPulse:Compaction:SettleDelay"),
        ["NetPulse.Monitoring.Incidents.WatchdogOptions"] = ("NetPulse:Watchdog:SilentAfter", "-00:05:00", "NetPulse:Watchdog:SilentAfter"),
        ["NetPulse.Monitoring.Incidents.MaintenanceOptions"] = ("NetPulse:Maintenance:CacheDuration", "01:00:00", "NetPulse:Maintenance:CacheDuration"),
        ["NetPulse.Monitoring.Incidents.AcknowledgeLinkOptions"] = ("NetPulse:Alerts:AcknowledgeKey", "short", "NetPulse:Alerts:AcknowledgeKey"),
        ["NetPulse.Monitoring.Mail.SmtpOptions"] = ("NetPulse:Smtp:Timeout", "-00:00:30", "NetPulse:Smtp:Timeout"),
        ["NetPulse.Monitoring.Alerts.AlertOptions"] = ("NetPulse:Alerts:Cooldown", "-00:15:00", "NetPulse:Alerts:Cooldown"),
        ["NetPulse.Monitoring.Reports.ReportOptions"] = ("NetPulse:Reports:SettleDelay", "-00:10:00", "NetPulse:Reports:SettleDelay"),
        ["NetPulse.Monitoring.Evidence.EvidenceOptions"] = ("NetPulse:Evidence:CatchUpWeeks", "0", "NetPulse:Evidence:CatchUpWeeks"),
        ["NetPulse.Monitoring.Hosting.ScheduledJobsOptions"] = ("CompactionSchedule", "0 */15 * * *", "CompactionSchedule '0 */15 * * *'"),
        ["NetPulse.Monitoring.Api.ApiOptions"] = ("NetPulse:Api:AllowedOrigins", "*", "NetPulse:Api:AllowedOrigins"),
        ["NetPulse.Monitoring.Api.SignIn.SignInOptions"] = ("NetPulse:Auth:Mode", "Required", "NetPulse:Auth:TenantId"),
        ["NetPulse.Monitoring.Storage.RetentionOptions"] = ("NetPulse:Retention:MinuteRollupDays", "10", "NetPulse:Retention:MinuteRollupDays"),
        ["NetPulse.Monitoring.Storage.ProbesOptions"] = ("NetPulse:Probes:MaxProbes", "0", "NetPulse:Probes:MaxProbes"),
        ["NetPulse.Monitoring.Api.ShareLinkOptions"] = ("NetPulse:Shares:MaxLifetime", "91.00:00:00", "NetPulse:Shares:MaxLifetime"),
    };

    private readonly IHost _host;
    private readonly IReadOnlyList<Type> _optionTypes;

    public CompositionTests() => (_host, _optionTypes) = BuildHost(SampleSettings.Load());

    public static TheoryData<Type> FunctionClasses() => [.. FunctionTypes()];

    public static TheoryData<string, string, string?, string> BrokenSettingCases()
    {
        var cases = new TheoryData<string, string, string?, string>();
        foreach (var (type, (key, value, named)) in BrokenSettings.OrderBy(b => b.Key, StringComparer.Ordinal))
        {
            cases.Add(type, key, value, named);
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(FunctionClasses))]
    public void Every_constructor_dependency_of_a_function_class_is_registered(Type functionClass)
    {
        // The worker builds a function class from its public constructor with the services registered.
        var constructor = Assert.Single(functionClass.GetConstructors());
        using var scope = _host.Services.CreateScope();

        var arguments = constructor.GetParameters().Select(parameter =>
        {
            try
            {
                return scope.ServiceProvider.GetRequiredService(parameter.ParameterType);
            }
            catch (InvalidOperationException ex)
            {
                throw new InvalidOperationException(
                    $"{functionClass.Name} needs {parameter.ParameterType.FullName} ('{parameter.Name}'), which does not resolve: {ex.Message}", ex);
            }
        }).ToArray();

        constructor.Invoke(arguments);
    }

    [Fact]
    public void The_function_classes_are_the_ones_the_issue_names()
    {
        Assert.Equal(
            [
                "AcknowledgeByLink", "AcknowledgeIncident", "AcknowledgeLinkPage", "AddMaintenanceWindow", "Alerts", "CreateManagedTarget", "CreateShareLink", "DeleteMaintenanceWindow",
                "DeleteManagedTarget", "EvidenceFile", "EvidencePack", "EvidencePacks", "Export", "ExportManagedTargets", "Health", "ImportManagedTargets",
                "ImportProbeTargetList", "IncidentPaths", "Incidents", "IngestBatch", "MaintenanceWindows", "ManagedTargets", "MarkIncidentMaintenance", "Minute",
                "OpenApi", "ProbeTargetList", "Probes", "Queues", "Ranking", "RebuildEvidence", "RebuildReport", "RedriveQueue",
                "RegisterProbe", "Report", "Reports", "RetireProbe", "RetireTarget", "RevokeProbe", "RevokeShareLink", "ShareLinks",
                "SharedIncidents", "SharedPackFile", "SharedSeries", "SharedView", "Target", "TargetHeatmap", "TargetPath", "TargetPaths",
                "TargetQuality", "TargetSeries", "Targets", "UnretireProbe",
                "UnretireTarget", "UpdateManagedTarget",
            ],
            FunctionTypes().SelectMany(t => t.GetMethods()).Select(m => m.GetCustomAttribute<FunctionAttribute>()?.Name).OfType<string>().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_options_type_has_a_validator_and_the_sample_settings_pass_it()
    {
        Assert.Contains(typeof(NetPulse.Monitoring.Mail.SmtpOptions), _optionTypes);
        Assert.Contains(typeof(NetPulse.Monitoring.Storage.StorageOptions), _optionTypes);

        var problems = _optionTypes
            .Select(type => (string?)CheckSampleMethod.MakeGenericMethod(type).Invoke(null, [_host.Services]))
            .OfType<string>()
            .ToList();

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));

        // What Host.StartAsync runs for ValidateOnStart.
        _host.Services.GetRequiredService<IStartupValidator>().Validate();
    }

    [Fact]
    public void Every_options_type_has_a_broken_setting_case()
    {
        Assert.Equal(
            BrokenSettings.Keys.Order(StringComparer.Ordinal),
            _optionTypes.Select(t => t.FullName!).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(BrokenSettingCases))]
    public void A_broken_setting_fails_the_start_naming_its_key(string optionsType, string key, string? value, string named)
    {
        var settings = SampleSettings.Load();
        settings[key] = value;
        using var host = BuildHost(settings).Host;

        // Only this options type fails (two would throw an AggregateException), and the message names the key.
        var ex = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(optionsType, ex.OptionsType.FullName);
        Assert.Contains(named, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_app_refuses_to_start_when_sign_in_is_neither_configured_nor_set_open()
    {
        var settings = SampleSettings.Load();
        foreach (var key in settings.Keys.Where(k => k.StartsWith("NetPulse:Auth:", StringComparison.Ordinal)).ToList())
        {
            settings.Remove(key);
        }

        using var host = BuildHost(settings).Host;

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("NetPulse:Auth is not configured", ex.Message, StringComparison.Ordinal);
        Assert.Contains("NetPulse:Auth:Mode=Open", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sample_settings_run_open_and_configured_ids_require_sign_in()
    {
        Assert.Equal(SignInMode.Open, _host.Services.GetRequiredService<IOptions<SignInOptions>>().Value.EffectiveMode);

        var settings = SampleSettings.Load();
        settings.Remove("NetPulse:Auth:Mode");
        settings["NetPulse:Auth:TenantId"] = Guid.NewGuid().ToString();
        settings["NetPulse:Auth:ApiClientId"] = Guid.NewGuid().ToString();
        using var host = BuildHost(settings).Host;

        host.Services.GetRequiredService<IStartupValidator>().Validate();
        var options = host.Services.GetRequiredService<IOptions<SignInOptions>>().Value;
        Assert.Equal(SignInMode.Required, options.EffectiveMode);
        Assert.Equal($"https://login.microsoftonline.com/{settings["NetPulse:Auth:TenantId"]}/v2.0", options.Issuer);
        Assert.Equal([$"api://{settings["NetPulse:Auth:ApiClientId"]}", settings["NetPulse:Auth:ApiClientId"]!], options.Audiences);
    }

    [Theory]
    [InlineData("Open", LogLevel.Warning, "WITHOUT sign-in")]
    [InlineData("Required", LogLevel.Information, "requires sign-in: tokens from https://login.microsoftonline.com/")]
    public async Task The_start_log_says_whether_the_api_requires_sign_in(string mode, LogLevel level, string said)
    {
        var settings = SampleSettings.Load();
        settings["NetPulse:Auth:Mode"] = mode;
        settings["NetPulse:Auth:TenantId"] = Guid.NewGuid().ToString();
        settings["NetPulse:Auth:ApiClientId"] = Guid.NewGuid().ToString();
        var builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddNetPulseFunctions();
        Assert.Single(builder.Services, d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(SignInAnnouncement));
        builder.Services.RemoveAll<IHostedService>();
        using var log = new TestLog();
        using var host = builder.Build();

        await ActivatorUtilities.CreateInstance<SignInAnnouncement>(host.Services, log.For<SignInAnnouncement>()).StartAsync(CancellationToken.None);

        Assert.Contains(log.Entries, e => e.Level == level && e.Message.Contains(said, StringComparison.Ordinal));
    }

    [Fact]
    public void The_composition_tested_is_the_one_Program_cs_runs()
    {
        // BuildHost calls what Program.cs calls; anything else Program.cs did would go untested here.
        var path = RepositoryPaths.Combine("functions", "NetPulse.Functions", "Program.cs");
        var statements = File.ReadAllLines(path)
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && !l.StartsWith("using ", StringComparison.Ordinal) && !l.StartsWith("//", StringComparison.Ordinal))
            .ToList();

        Assert.Equal(
            ["var builder = FunctionsApplication.CreateBuilder(args);", "builder.AddNetPulseFunctions();", "builder.Build().Run();"],
            statements);
    }

    [Fact]
    public void One_queue_and_one_timer_are_polled_and_the_timer_delivers_alerts_from_the_outbox_every_minute()
    {
        var queues = FunctionTypes()
            .SelectMany(t => t.GetMethods())
            .SelectMany(m => m.GetParameters())
            .Select(p => p.GetCustomAttribute<QueueTriggerAttribute>()?.QueueName)
            .OfType<string>()
            .ToList();
        var timers = FunctionTypes()
            .SelectMany(t => t.GetMethods())
            .SelectMany(m => m.GetParameters())
            .Select(p => p.GetCustomAttribute<TimerTriggerAttribute>()?.Schedule)
            .OfType<string>()
            .ToList();
        using var scope = _host.Services.CreateScope();
        var jobs = scope.ServiceProvider.GetServices<ScheduledJob>().ToList();

        Assert.Equal([$"%{TriggerSettings.PingBatchQueue}%"], queues);
        Assert.Equal([$"%{TriggerSettings.MinuteSchedule}%"], timers);
        Assert.Equal(
            [("CalmBatches", TriggerSettings.CalmBatchSchedule), ("Watchdog", TriggerSettings.WatchdogSchedule), ("PoisonWatch", TriggerSettings.PoisonWatchSchedule), ("DeliverAlerts", TriggerSettings.AlertDeliverySchedule),
             ("Compact", TriggerSettings.CompactionSchedule), ("DailyReport", TriggerSettings.ReportSchedule),
             ("Retention", TriggerSettings.RetentionSchedule), ("Evidence", TriggerSettings.EvidenceSchedule)],
            jobs.Select(j => (j.Name, j.ScheduleSetting)));
        Assert.Equal("0 * * * * *", TriggerSettings.Defaults[TriggerSettings.MinuteSchedule]);
        Assert.Equal("0 * * * * *", TriggerSettings.Defaults[TriggerSettings.AlertDeliverySchedule]);
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
            [TriggerSettings.MinuteSchedule, TriggerSettings.PingBatchQueue],
            named);
        // The jobs' schedules are read by the library (with defaults), but the sample shows every one.
        IEnumerable<string> shown = [.. named, TriggerSettings.CalmBatchSchedule, TriggerSettings.WatchdogSchedule, TriggerSettings.PoisonWatchSchedule, TriggerSettings.AlertDeliverySchedule, TriggerSettings.CompactionSchedule, TriggerSettings.ReportSchedule, TriggerSettings.RetentionSchedule];
        Assert.All(shown, n => Assert.False(string.IsNullOrWhiteSpace(sample.GetValueOrDefault(n)), $"{n} has no value in {SampleSettings.Path}"));
        Assert.All(shown, n => Assert.Equal(TriggerSettings.Defaults[n], sample[n]));
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

    /// <summary>
    /// Options types of NetPulse that the composition configures (bound from configuration, or set from it):
    /// found by their configure registrations, not their validators, so a type without a validator is found too.
    /// </summary>
    private static IEnumerable<Type> OptionsTypes(IServiceCollection services) =>
        services
            .Select(d => d.ServiceType)
            .Where(t => t.IsGenericType && (t.GetGenericTypeDefinition() == typeof(IConfigureOptions<>)
                || t.GetGenericTypeDefinition() == typeof(IPostConfigureOptions<>) || t.GetGenericTypeDefinition() == typeof(IOptionsChangeTokenSource<>)))
            .Select(t => t.GetGenericArguments()[0])
            .Where(t => t.Assembly.GetName().Name!.StartsWith("NetPulse.", StringComparison.Ordinal))
            .Distinct();

    /// <summary>Null when <typeparamref name="T"/> has a validator and its value from the settings passes every one; else what is wrong.</summary>
    private static string? CheckSample<T>(IServiceProvider services)
        where T : class
    {
        var validators = services.GetServices<IValidateOptions<T>>().ToList();
        if (validators.Count == 0)
        {
            return $"{typeof(T).FullName} has no IValidateOptions<{typeof(T).Name}> registered: its settings are never checked";
        }

        T value;
        try
        {
            value = services.GetRequiredService<IOptions<T>>().Value;
        }
        catch (OptionsValidationException ex)
        {
            return $"{typeof(T).FullName} fails with the sample settings: {ex.Message}";
        }

        foreach (var validator in validators)
        {
            var result = validator.Validate(Options.DefaultName, value);
            if (!result.Succeeded)
            {
                return $"{typeof(T).FullName}: {validator.GetType().Name} {(result.Skipped ? "skips it" : "fails: " + result.FailureMessage)}";
            }
        }

        return null;
    }


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
