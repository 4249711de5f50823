using KlingFunctions.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace KlingFunctions.Staging;

public static class StagingServiceCollectionExtensions
{
    /// <summary>
    /// The claim check at the HTTP edge (<see cref="InputBlobStore"/>) and the StageSourceImage step
    /// (<see cref="SourceImageStager"/>), with the blob storage they use (<see cref="StorageServiceCollectionExtensions.AddBlobStorage"/>).
    /// </summary>
    public static IServiceCollection AddStaging(this IServiceCollection services)
    {
        services.AddBlobStorage();
        services.TryAddSingleton<InputBlobStore>();
        services.TryAddTransient<SourceImageStager>();
        return services;
    }
}
