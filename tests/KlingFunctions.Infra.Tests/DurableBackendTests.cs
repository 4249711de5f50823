namespace KlingFunctions.Infra.Tests;

[Collection(CompiledInfra.Name)]
public sealed class DurableBackendTests(InfraFixture infra)
{
    [Fact]
    public void Azure_storage_backend_creates_no_scheduler()
    {
        Assert.DoesNotContain(infra.AzureStorage.Resources, resource =>
            ArmTemplate.Text(resource, "type").StartsWith("Microsoft.DurableTask/", StringComparison.Ordinal));
    }

    [Fact]
    public void Azure_storage_backend_sets_no_scheduler_settings()
    {
        Assert.DoesNotContain("DURABLE_TASK_SCHEDULER_CONNECTION_STRING", infra.AzureStorage.AppSettings.Keys);
        Assert.DoesNotContain("TASKHUB_NAME", infra.AzureStorage.AppSettings.Keys);
    }

    [Fact]
    public void Scheduler_backend_creates_a_scheduler_that_accepts_traffic_and_its_task_hub()
    {
        var scheduler = infra.Scheduler.Resource("Microsoft.DurableTask/schedulers");
        var taskHub = infra.Scheduler.Resource("Microsoft.DurableTask/schedulers/taskHubs");

        Assert.Equal("Consumption", scheduler.GetProperty("properties").GetProperty("sku").GetProperty("name").GetString());
        // An empty allow list denies every caller.
        Assert.NotEqual(0, scheduler.GetProperty("properties").GetProperty("ipAllowlist").GetArrayLength());
        Assert.Equal($"{ArmTemplate.Text(scheduler, "name")}/default", ArmTemplate.Text(taskHub, "name"));
    }

    [Fact]
    public void Scheduler_backend_connects_the_app_with_its_managed_identity()
    {
        var settings = infra.Scheduler.AppSettings;
        var scheduler = ArmTemplate.Text(infra.Scheduler.Resource("Microsoft.DurableTask/schedulers"), "id");
        var identity = ArmTemplate.Text(infra.Scheduler.Resource("Microsoft.ManagedIdentity/userAssignedIdentities"), "id");

        Assert.Equal(
            $"[format('Endpoint={{0}};Authentication=ManagedIdentity;ClientID={{1}}', reference('{scheduler}', '2025-11-01').endpoint, reference('{identity}', '2023-01-31').clientId)]",
            settings["DURABLE_TASK_SCHEDULER_CONNECTION_STRING"]);
        Assert.Equal("default", settings["TASKHUB_NAME"]);
    }

    [Fact]
    public void Scheduler_backend_keeps_identity_based_host_storage()
    {
        Assert.Equal("managedidentity", infra.Scheduler.AppSettings["AzureWebJobsStorage__credential"]);
    }
}
