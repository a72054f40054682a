"""Texts of the Compress page: the knobs, the table, the frontier, the verdict and the downloads."""

TEXT: dict[str, dict[str, str]] = {
    "nav.compress": {"en": "Compress", "zh": "压缩"},
    "compress.title": {"en": "Compress the student", "zh": "压缩学生模型"},
    "compress.intro": {
        "en": "Distillation is one of four ways to make a model small; quantization, pruning and low-rank "
              "factorisation are the others, and they combine: a pruned student recovers by being distilled from "
              "the unpruned teacher. Pick a finished run, choose the variants, and every variant is measured on the "
              "same test set: accuracy, size on disk, FLOPs and CPU latency.",
        "zh": "知识蒸馏是让模型变小的四种方法之一，另外三种是量化、剪枝和低秩分解，而且它们可以组合使用：剪枝后的学生"
              "模型可以再从未剪枝的教师模型蒸馏来恢复准确率。选择一个已完成的实验，勾选要做的变体，每个变体都在同一"
              "测试集上测量：准确率、文件大小、FLOPs 和 CPU 延迟。"},
    "compress.int8": {"en": "int8 quantization", "zh": "int8 量化"},
    "compress.int8_help": {
        "en": "Weights stored as 8-bit integers with one scale per output row (torchao), activations quantized on "
              "the fly. Only Linear layers have int8 kernels; other layers stay in float, and the table says so.",
        "zh": "权重以 8 位整数保存，每个输出行一个缩放系数（torchao），激活值在计算时动态量化。只有 Linear 层有 int8 "
              "内核，其他层保持浮点，表格中会注明。"},
    "compress.prune": {"en": "Pruning: sparsity", "zh": "剪枝：稀疏度"},
    "compress.prune_help": {
        "en": "The fraction of the weights of every Linear and conv layer set to zero, smallest first; 0 is off.",
        "zh": "每个 Linear 层和卷积层中被置零的权重比例，从绝对值最小的开始；0 表示不剪枝。"},
    "compress.structured": {"en": "Structured: remove whole neurons and channels", "zh": "结构化：删除整个神经元和通道"},
    "compress.structured_help": {
        "en": "Unstructured zeros keep every tensor's shape, so a CPU does the same work. Structured pruning removes "
              "the weakest neurons (channels) and the inputs that read them, so the layers really shrink.",
        "zh": "非结构化剪枝产生的零不改变张量形状，CPU 的计算量不变。结构化剪枝删除最弱的神经元（通道）以及读取它们的"
              "输入，层真正变小。"},
    "compress.rank": {"en": "Low-rank factorisation: rank", "zh": "低秩分解：秩"},
    "compress.rank_help": {
        "en": "Each Linear and 1×1 conv layer W (out × in) becomes two thinner ones, W ≈ A·B with rank r (truncated "
              "SVD), where that costs fewer weights; 0 is off.",
        "zh": "每个 Linear 层和 1×1 卷积层 W（out × in）在能减少权重时替换为两个更窄的层，W ≈ A·B，秩为 r（截断 "
              "SVD）；0 表示不分解。"},
    "compress.finetune": {"en": "Recovery fine-tuning (epochs)", "zh": "恢复微调（训练轮数）"},
    "compress.finetune_help": {
        "en": "Train each pruned or factorised variant a few epochs more, with the run's learning rate and batch "
              "size; 0 is off.",
        "zh": "对每个剪枝或低秩分解后的变体再训练几轮，使用该实验的学习率和批大小；0 表示不微调。"},
    "compress.finetune_from": {"en": "Fine-tune from", "zh": "微调时向谁学习"},
    "compress.source.teacher": {"en": "the teacher (distillation, the run's T and α)",
                                "zh": "教师模型（知识蒸馏，使用该实验的 T 和 α）"},
    "compress.source.labels": {"en": "the labels only", "zh": "只用硬标签"},
    "compress.source.both": {"en": "both, to compare them", "zh": "两者都做，以便比较"},
    "compress.start": {"en": "Compress", "zh": "开始压缩"},
    "compress.queued": {"en": "Queued behind other runs (position {position})…",
                        "zh": "正在排队，前面还有其他实验（排在第 {position} 位）……"},
    "compress.working": {"en": "Compressing and measuring in a training process: {percent}",
                         "zh": "正在一个训练进程中压缩并测量：{percent}"},
    "compress.failed": {"en": "The compression did not finish: {message}", "zh": "压缩没有完成：{message}"},
    "compress.nothing_yet": {"en": "No variant of this run yet: choose some above and press Compress.",
                             "zh": "此实验还没有变体：请在上方选择后点击“开始压缩”。"},
    "compress.table_title": {"en": "Every model, measured", "zh": "所有模型的测量结果"},
    "compress.threads": {
        "en": "Latency: median of {repeats} CPU calls after warm-up with {threads} torch threads, on this server "
              "(busy servers are slower). Size: the bytes of the saved safetensors file.",
        "zh": "延迟：预热后 {repeats} 次 CPU 调用的中位数，使用 {threads} 个 torch 线程，在本服务器上测得（服务器越忙越"
              "慢）。大小：保存的 safetensors 文件的字节数。"},
    "compress.col.model": {"en": "model", "zh": "模型"},
    "compress.col.accuracy_pct": {"en": "accuracy (%)", "zh": "准确率（%）"},
    "compress.col.agreement_pct": {"en": "agreement with teacher (%)", "zh": "与教师的一致率（%）"},
    "compress.col.size": {"en": "size on disk", "zh": "文件大小"},
    "compress.col.params": {"en": "parameters", "zh": "参数量"},
    "compress.col.nonzero": {"en": "non-zero parameters", "zh": "非零参数量"},
    "compress.col.mflops": {"en": "MFLOPs per sample", "zh": "每个样本的 MFLOPs"},
    "compress.col.latency_1": {"en": "latency, batch 1 (ms)", "zh": "延迟，批大小 1（毫秒）"},
    "compress.col.latency_64": {"en": "latency, batch 64 (ms)", "zh": "延迟，批大小 64（毫秒）"},
    "compress.col.notes": {"en": "notes", "zh": "说明"},
    "compress.note.float_layers": {"en": "torchao has no int8 kernel for {kind} layers: {count} left in float",
                                   "zh": "torchao 没有 {kind} 层的 int8 内核：{count} 个仍为浮点"},
    "compress.note.no_linear": {"en": "no Linear layer to quantize: the int8 variant is the float model",
                                "zh": "没有可量化的 Linear 层：int8 变体就是原来的浮点模型"},
    "compress.variant.role_teacher": {"en": "teacher", "zh": "教师"},
    "compress.variant.role_student": {"en": "distilled student", "zh": "蒸馏学生"},
    "compress.variant.role_baseline": {"en": "baseline student", "zh": "基线学生"},
    "compress.variant.named": {"en": "{role}: {steps}", "zh": "{role}，经{steps}"},
    "compress.variant.prune": {"en": "pruned {sparsity}", "zh": "剪枝 {sparsity}"},
    "compress.variant.prune_structured": {"en": "pruned {sparsity} (structured)", "zh": "结构化剪枝 {sparsity}"},
    "compress.variant.rank": {"en": "low-rank, rank {rank}", "zh": "低秩分解（秩 {rank}）"},
    "compress.variant.energy": {"en": "low-rank, {energy} of the energy kept",
                                "zh": "低秩分解（保留 {energy} 的能量）"},
    "compress.variant.int8": {"en": "int8", "zh": "整数量化（int8）"},
    "compress.variant.finetune_teacher": {"en": "fine-tuned {epochs} epochs from the teacher",
                                          "zh": "向教师微调 {epochs} 轮"},
    "compress.variant.finetune_labels": {"en": "fine-tuned {epochs} epochs on the labels",
                                         "zh": "用硬标签微调 {epochs} 轮"},
    "compress.variant.lr": {"en": " at learning rate {lr}", "zh": "（学习率 {lr}）"},
    "compress.frontier_title": {"en": "The size–latency–accuracy frontier", "zh": "大小—延迟—准确率前沿"},
    "compress.frontier_help": {
        "en": "Up and to the left is better. The line joins the models no other model beats on both axes (the "
              "Pareto frontier); a model below it is dominated.",
        "zh": "越靠左上越好。折线连接的是没有其他模型能在两个坐标上同时胜过的模型（帕累托前沿）；在折线下方的模型"
              "被支配。"},
    "compress.fig.size": {"en": "size on disk (KiB, log scale)", "zh": "文件大小（KiB，对数刻度）"},
    "compress.fig.latency": {"en": "latency at batch 64 (milliseconds, log scale)", "zh": "批大小 64 的延迟（毫秒，对数刻度）"},
    "compress.fig.accuracy": {"en": "test accuracy (%)", "zh": "测试准确率（%）"},
    "compress.fig.frontier": {"en": "frontier", "zh": "前沿"},
    "compress.fig.size_title": {"en": "Accuracy against size", "zh": "准确率与大小"},
    "compress.fig.latency_title": {"en": "Accuracy against latency", "zh": "准确率与延迟"},
    "compress.fig.teacher": {"en": "teacher", "zh": "教师"},
    "compress.fig.student": {"en": "distilled student and its variants", "zh": "蒸馏学生及其变体"},
    "compress.fig.baseline": {"en": "baseline student and its variants", "zh": "基线学生及其变体"},
    "compress.verdict_title": {"en": "What the numbers say", "zh": "数据说明了什么"},
    "compress.verdict.no_difference": {
        "en": "{name}: {size}, {speed} at batch 64, {change} — no measurable difference on these test samples "
              "(McNemar, {p}).",
        "zh": "{name}：{size}，批大小 64 时{speed}，{change}——在这些测试样本上没有可测出的差别（McNemar 检验，{p}）。"},
    "compress.verdict.worse": {
        "en": "{name}: {size}, {speed} at batch 64, {change}: a loss larger than chance explains (McNemar, {p}).",
        "zh": "{name}：{size}，批大小 64 时{speed}，{change}：这一下降超出了偶然波动能解释的范围（McNemar 检验，{p}）。"},
    "compress.verdict.better": {
        "en": "{name}: {size}, {speed} at batch 64, {change}: a gain larger than chance explains (McNemar, {p}).",
        "zh": "{name}：{size}，批大小 64 时{speed}，{change}：这一提升超出了偶然波动能解释的范围（McNemar 检验，{p}）。"},
    "compress.size.smaller": {"en": "{ratio}× smaller on disk", "zh": "文件缩小为原来的 1/{ratio}"},
    "compress.size.larger": {"en": "{ratio}× larger on disk", "zh": "文件增大为原来的 {ratio} 倍"},
    "compress.size.same": {"en": "the same size on disk", "zh": "文件大小不变"},
    "compress.speed.faster": {"en": "{ratio}× faster", "zh": "速度提高到原来的 {ratio} 倍"},
    "compress.speed.slower": {"en": "{ratio}× slower", "zh": "速度降到原来的 1/{ratio}"},
    "compress.speed.same": {"en": "as fast", "zh": "速度不变"},
    "compress.change.below": {"en": "accuracy {points} points below the original's",
                              "zh": "准确率比原模型低 {points} 个百分点"},
    "compress.change.above": {"en": "accuracy {points} points above the original's",
                              "zh": "准确率比原模型高 {points} 个百分点"},
    "compress.change.same": {"en": "the same accuracy as the original", "zh": "准确率与原模型相同"},
    "compress.verdict.int8_slow": {
        "en": "Why int8 can be slower here: at small batches on this CPU, int8 quantizes the activations anew at "
              "every call, which costs more than its 8-bit arithmetic saves; the saving shows at large batches or "
              "on hardware with int8 kernels.",
        "zh": "为什么 int8 在这里可能更慢：在这台 CPU 上批量较小时，int8 每次调用都要重新量化激活值，这部分开销超过了 "
              "8 位整数运算节省的时间；在大批量或有 int8 内核的硬件上才能看到加速。"},
    "compress.verdict.recovery_some": {
        "en": "Fine-tuning from {source} won back {recovered} of the {lost} points the compression had cost.",
        "zh": "从{source}微调，挽回了压缩损失的 {lost} 个百分点中的 {recovered} 个。"},
    "compress.verdict.recovery_all": {
        "en": "Fine-tuning from {source} won back all {lost} points the compression had cost ({recovered} points "
              "in all).",
        "zh": "从{source}微调，挽回了压缩损失的全部 {lost} 个百分点（共提高 {recovered} 个百分点）。"},
    "compress.verdict.recovery_none": {
        "en": "Fine-tuning from {source} won back none of the {lost} points the compression had cost.",
        "zh": "从{source}微调，没有挽回压缩损失的 {lost} 个百分点。"},
    "compress.verdict.source.teacher": {"en": "the teacher", "zh": "教师模型"},
    "compress.verdict.source.labels": {"en": "the labels", "zh": "硬标签"},
    "compress.downloads": {"en": "Downloads", "zh": "下载"},
    "compress.download_model": {"en": "Model to download", "zh": "要下载的模型"},
    "compress.download_safetensors": {"en": "safetensors (weights and recipe)", "zh": "safetensors（权重与配方）"},
    "compress.prepare_safetensors": {"en": "Prepare the safetensors file", "zh": "准备 safetensors 文件"},
    "compress.prepare_onnx": {"en": "Export to ONNX and check it", "zh": "导出为 ONNX 并检查"},
    "compress.download_onnx": {"en": "ONNX file", "zh": "ONNX 文件"},
    "compress.export_queued": {"en": "Queued behind other jobs (position {position})…",
                               "zh": "正在排队，前面还有其他任务（排在第 {position} 位）……"},
    "compress.exporting_safetensors": {"en": "Writing the safetensors file in a training process…",
                                       "zh": "正在一个训练进程中写出 safetensors 文件……"},
    "compress.exporting_onnx": {"en": "Exporting to ONNX and checking it with onnxruntime in a training process…",
                                "zh": "正在一个训练进程中导出 ONNX，并用 onnxruntime 检查……"},
    "compress.safetensors_ready": {"en": "Ready: {size}, the weights with the recipe that rebuilds the model.",
                                   "zh": "已准备好：{size}，包含权重和重建模型的配方。"},
    "compress.onnx_ready": {
        "en": "Checked: onnxruntime predicts the same class as PyTorch on {agreement} of the {samples} test samples "
              "({size}).",
        "zh": "已检查：在 {samples} 个测试样本中，onnxruntime 与 PyTorch 预测相同类别的比例为 {agreement}（{size}）。"},
    "compress.safetensors_failed": {"en": "No safetensors file: {message}", "zh": "无法写出 safetensors 文件：{message}"},
    "compress.onnx_failed": {"en": "No ONNX export: {message}", "zh": "无法导出 ONNX：{message}"},
    "compress.downloads_not_yours": {
        "en": "Only the browser that started this run can export its models.",
        "zh": "只有启动此实验的浏览器才能导出它的模型。"},
    "compress.not_yours": {
        "en": "This run was started in another browser: only that browser can compress it.",
        "zh": "此实验是在另一个浏览器中启动的：只有那个浏览器才能压缩它。"},
}
