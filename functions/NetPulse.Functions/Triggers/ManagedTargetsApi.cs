using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using NetPulse.Monitoring.Api;

namespace NetPulse.Functions.Triggers;

/// <summary>
/// The targets a probe runs when managed centrally: list, create, update, delete, import and export (Reader/Admin), and
/// the probe's own signed fetch and first import of its list (ApiAccess.Probe).
/// </summary>
public sealed class ManagedTargetsApi(ManagedTargetsHandler handler)
{
    [Function("ManagedTargets")]
    public Task<IResult> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = NetPulseApi.ManagedTargetsRoute)] HttpRequest request, string probe, CancellationToken cancellationToken) =>
        handler.ListAsync(request, probe, cancellationToken);

    [Function("CreateManagedTarget")]
    public Task<IResult> Create(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = NetPulseApi.ManagedTargetsRoute)] HttpRequest request, string probe, CancellationToken cancellationToken) =>
        handler.CreateAsync(request, probe, cancellationToken);

    [Function("UpdateManagedTarget")]
    public Task<IResult> Update(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = NetPulseApi.ManagedTargetRoute)] HttpRequest request, string probe, string targetId,
        CancellationToken cancellationToken) =>
        handler.UpdateAsync(request, probe, targetId, cancellationToken);

    [Function("DeleteManagedTarget")]
    public Task<IResult> Delete(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = NetPulseApi.ManagedTargetRoute)] HttpRequest request, string probe, string targetId,
        CancellationToken cancellationToken) =>
        handler.DeleteAsync(request, probe, targetId, cancellationToken);

    [Function("ImportManagedTargets")]
    public Task<IResult> Import(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = NetPulseApi.ImportManagedTargetsRoute)] HttpRequest request, string probe, CancellationToken cancellationToken) =>
        handler.ImportAsync(request, probe, cancellationToken);

    [Function("ExportManagedTargets")]
    public Task<IResult> Export(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = NetPulseApi.ExportManagedTargetsRoute)] HttpRequest request, string probe, CancellationToken cancellationToken) =>
        handler.ExportAsync(request, probe, cancellationToken);

    [Function("ProbeTargetList")]
    public Task<IResult> ProbeList(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = NetPulseApi.ProbeTargetListRoute)] HttpRequest request, string probe, CancellationToken cancellationToken) =>
        handler.ProbeListAsync(request, probe, cancellationToken);

    [Function("ImportProbeTargetList")]
    public Task<IResult> ProbeImport(
        [HttpTrigger(AuthorizationLevel.Anonymous, "put", Route = NetPulseApi.ProbeTargetListRoute)] HttpRequest request, string probe, CancellationToken cancellationToken) =>
        handler.ProbeImportAsync(request, probe, cancellationToken);
}
