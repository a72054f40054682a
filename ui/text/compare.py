"""Texts of the Compare page: the table, per-class accuracy, confusion, calibration, boundaries."""

TEXT: dict[str, dict[str, str]] = {
    "compare.title": {"en": "Compare teacher, baseline and distilled student", "zh": "对比教师、基线学生与蒸馏学生"},
    "compare.intro": {
        "en": "The models of one run, measured on the same test set. The baseline and the distilled student are "
              "the same small network from the same starting weights; only the loss differs, so every difference "
              "between them is what distillation did.",
        "zh": "同一个实验中的各个模型，在同一测试集上评估。基线学生和蒸馏学生是同一个小网络、从相同的初始权重出发，"
              "只有损失函数不同，所以两者之间的每一处差别都来自蒸馏。"},
    "compare.source": {"en": "Run {run_id}: {dataset}, {teacher} → {student}.",
                       "zh": "实验 {run_id}：{dataset}，{teacher} → {student}。"},
    "compare.measuring": {"en": "Evaluating the models and timing them on the CPU…",
                          "zh": "正在评估各个模型并在 CPU 上计时……"},
    "compare.table_title": {"en": "Accuracy, calibration and cost", "zh": "准确率、校准与开销"},
    "compare.col.accuracy_pct": {"en": "accuracy (%)", "zh": "准确率（%）"},
    "compare.col.macro_f1_pct": {"en": "macro-F1 (%)", "zh": "宏平均 F1（%）"},
    "compare.col_help.macro_f1_pct": {
        "en": "the F1 score of each class (the balance of how often the model is right when it names that class and "
              "how many of that class it finds), averaged over the classes: a rare class weighs as much as a common "
              "one.",
        "zh": "每个类别的 F1 分数（模型说出该类别时答对的比例与找出该类别样本的比例之间的平衡），再对所有类别求平均："
              "少见类别与常见类别同样重要。"},
    "compare.col.agreement_pct": {"en": "agreement with teacher (%)", "zh": "与教师的一致率（%）"},
    "compare.col.ece": {"en": "ECE", "zh": "ECE"},
    "compare.col.params": {"en": "parameters", "zh": "参数量"},
    "compare.col.size_kb": {"en": "size", "zh": "大小"},
    "compare.col.latency_ms": {"en": "CPU latency (ms)", "zh": "CPU 延迟（毫秒）"},
    "compare.col_help.accuracy_pct": {"en": "share of the test samples whose predicted class is the true one.",
                                      "zh": "预测类别等于真实类别的测试样本所占比例。"},
    "compare.col_help.agreement_pct": {
        "en": "share of the test samples where the model gives the teacher's answer, right or wrong (the teacher "
              "agrees with itself: 100).",
        "zh": "模型给出与教师相同答案（无论对错）的测试样本比例（教师与自己一致：100）。"},
    "compare.col_help.ece": {
        "en": "expected calibration error: the gap between how sure the model is and how often it is right, "
              "averaged over confidence bins; 0 is perfectly calibrated.",
        "zh": "期望校准误差：模型的置信度与其实际准确率之间的差距，按置信度分箱加权平均；0 表示完全校准。"},
    "compare.col_help.params": {"en": "number of trainable weights.", "zh": "可训练权重的数量。"},
    "compare.col_help.size_kb": {"en": "memory of the weights and buffers (1 KiB = 1024 bytes), about the size of "
                                       "the saved file.",
                                 "zh": "权重与缓冲区占用的内存（1 KiB = 1024 字节），约等于保存文件的大小。"},
    "compare.col_help.latency_ms": {
        "en": "median time of one forward pass over a batch of {batch} test inputs on a CPU, measured once, right "
              "after training, by the process that trained the run; it varies with how busy that machine was.",
        "zh": "对一批 {batch} 个测试输入做一次前向计算的时间中位数（CPU），由训练该实验的进程在训练结束后立即测一次；"
              "那台机器越忙，数值越大。"},
    "compare.per_class_title": {"en": "Accuracy per class", "zh": "各类别的准确率"},
    "compare.per_class_help": {"en": "A class where the distilled student beats the baseline is one where the "
                                     "teacher's soft targets taught something the labels alone did not.",
                               "zh": "蒸馏学生胜过基线学生的类别，说明教师的软目标教会了仅靠标签学不到的东西。"},
    "compare.confusion_title": {"en": "Confusion matrices", "zh": "混淆矩阵"},
    "compare.confusion_help": {
        "en": "Rows: the true class; columns: the predicted class; each cell counts test samples. The diagonal holds "
              "the hits; an off-diagonal cell shows two classes a model mixes up. A student that copies the "
              "teacher's pattern of mistakes has learned its sense of which classes look alike.",
        "zh": "行：真实类别；列：预测类别；每个格子是测试样本数。对角线是预测正确的样本；对角线以外的格子表示模型"
              "混淆的两个类别。如果学生的错误模式与教师相似，说明它学到了教师对“哪些类别相像”的判断。"},
    "compare.calibration_title": {"en": "Calibration", "zh": "校准"},
    "compare.calibration_help": {
        "en": "Each point is one confidence bin: its mean confidence (x) against its accuracy (y); bigger markers "
              "hold more samples. On the dashed diagonal a model that says \"90 % sure\" is right 90 % of the time. "
              "Below it the model is over-confident. Soft targets often make a student less over-confident than "
              "its hard-label baseline.",
        "zh": "每个点是一个置信度分箱：横轴为平均置信度，纵轴为该箱的准确率；点越大，样本越多。在虚线对角线上，"
              "模型说“有 90 % 的把握”时，正好有 90 % 的时候是对的；低于对角线说明模型过度自信。软目标常常能让学生不像只"
              "用硬标签训练的基线学生那样过度自信。"},
    "compare.decision_title": {"en": "Decision boundaries", "zh": "决策边界"},
    "compare.decision_help": {
        "en": "The background colour is the class each model predicts at that point of the plane; the dots are the "
              "test samples coloured by their true class. A student that follows the teacher's curves, not just "
              "the labelled points, has learned the shape of the teacher's function.",
        "zh": "背景颜色是每个模型在平面上该点预测的类别；圆点是测试样本，颜色为其真实类别。如果学生的边界贴合教师的曲"
              "线，而不只是把有标签的样本点分开，说明它学到了教师函数的形状。"},
    "compare.fig.class": {"en": "class", "zh": "类别"},
    "compare.fig.accuracy_pct": {"en": "accuracy (%)", "zh": "准确率（%）"},
    "compare.fig.teacher": {"en": "teacher", "zh": "教师"},
    "compare.fig.baseline": {"en": "baseline student", "zh": "基线学生"},
    "compare.fig.student": {"en": "distilled student", "zh": "蒸馏学生"},
    "compare.fig.per_class_title": {"en": "Test accuracy per class", "zh": "各类别的测试准确率"},
    "compare.fig.predicted": {"en": "predicted class", "zh": "预测类别"},
    "compare.fig.true": {"en": "true class", "zh": "真实类别"},
    "compare.fig.count": {"en": "samples", "zh": "样本数"},
    "compare.fig.perfect_calibration": {"en": "perfectly calibrated", "zh": "完全校准"},
    "compare.fig.ece": {"en": "ECE", "zh": "ECE"},
    "compare.fig.confidence": {"en": "mean confidence", "zh": "平均置信度"},
    "compare.fig.accuracy": {"en": "accuracy (fraction)", "zh": "准确率（比例）"},
    "compare.fig.reliability_title": {"en": "Reliability diagram", "zh": "可靠性图"},
    "compare.fig.feature_1": {"en": "x₁", "zh": "x₁"},
    "compare.fig.feature_2": {"en": "x₂", "zh": "x₂"},
    "compare.fig.decision_title": {"en": "Decision boundaries over the test data", "zh": "测试数据上的决策边界"},
    "compare.many_classes": {
        "en": "{classes} classes are too many to label one by one: these views show the {shown} classes the models "
              "confuse most often (the most mistakes, made on them or into them, over the models).",
        "zh": "{classes} 个类别太多，无法逐一标注：以下图中只显示模型最常混淆的 {shown} 个类别（各模型在这些类别上，"
              "或错判为这些类别的错误最多）。"},
    "compare.confusion_help_many": {
        "en": "Rows: the true class; columns: the predicted class; each cell counts test samples, for the {shown} "
              "classes most often confused out of {classes} (hover a cell for its count). The diagonal holds the "
              "hits; an off-diagonal cell shows two classes a model mixes up.",
        "zh": "行：真实类别；列：预测类别；每个格子是测试样本数，只显示 {classes} 个类别中最常被混淆的 {shown} 个"
              "（把鼠标移到格子上可看到数量）。对角线是预测正确的样本；对角线以外的格子表示模型混淆的两个类别。"},
    "compare.projection_title": {"en": "Predictions in the data's principal plane", "zh": "数据主平面上的预测"},
    "compare.projection_help": {
        "en": "These points have {features} features, so no decision boundary can be drawn on a plane. Instead each "
              "test sample is placed by its first two principal components (the two directions in which the data "
              "varies most; each axis says how much of the variance it holds) and coloured by the class each model "
              "predicts. Where the distilled student's colours follow the teacher's, it has learned the teacher's "
              "answers.",
        "zh": "这些数据点有 {features} 个特征，无法在平面上画出决策边界。这里改为按前两个主成分（数据变化最大的两个"
              "方向；每条坐标轴注明它占方差的比例）摆放每个测试样本，颜色为各模型预测的类别。蒸馏学生的颜色与教师"
              "越一致，说明它学到了教师的答案。"},
    "compare.fig.projection_title": {"en": "Predicted class of each test sample", "zh": "每个测试样本的预测类别"},
    "compare.fig.component_1": {"en": "principal component 1 ({share} % of the variance)",
                                "zh": "第一主成分（占方差的 {share} %）"},
    "compare.fig.component_2": {"en": "principal component 2 ({share} % of the variance)",
                                "zh": "第二主成分（占方差的 {share} %）"},
}
